#!/usr/bin/env node
// `npm start`: install if needed, build, start a database (embedded unless DATABASE_URL),
// start the CMS (migrates and seeds on boot) and the site, print the URLs and demo logins.
// `npm run dev` does the same with Next's dev servers (reload on change).
import path from 'node:path'

const dev = process.argv.includes('--dev')
const t0 = Date.now()
const say = (msg) => console.log(`[runsense ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`)

// 1. Dependencies: only node's standard library is used until they are installed.
const { installIfNeeded } = await import('./lib/install.mjs')
installIfNeeded(say)

const { explain } = await import('./lib/util.mjs')
const stack = await import('./lib/stack.mjs')
const { startMailCatcher } = await import('./lib/mail.mjs')

const cmsPort = Number(process.env.CMS_PORT || 3001)
const sitePort = Number(process.env.SITE_PORT || 3000)
// Ctrl-C (the whole process group gets it): no part is restarted any more, then everything
// stops in reverse order, and `npm start` exits 0. Registered after the database module is
// loaded, so ours is the only signal handler.
const cleanups = stack.cleanupsOnExit({
  exitCode: 0,
  onSignal: () => {
    stack.stopSupervising()
    say('Stopping…')
  },
  afterSignal: () => say('Stopped cleanly.'),
})

try {
  // After a SIGKILL of an earlier `npm start`, its children may still hold the ports: stop them.
  const runFile = path.join(stack.stateDir, 'start-processes.jsonl')
  await stack.stopOrphans(runFile, say)
  stack.trackProcesses(runFile)
  await stack.assertPortsFree({ CMS_PORT: cmsPort, SITE_PORT: sitePort })

  if (!dev) await stack.buildApps({ say })

  const { DATABASE_URL, EMBEDDED_PG_DIR = path.join(stack.stateDir, 'pg'), EMBEDDED_PG_PORT = 54329 } = process.env
  if (DATABASE_URL) say('Connecting to DATABASE_URL…')
  const databaseUrl = await stack.databaseServer({ url: DATABASE_URL, dataDir: path.resolve(EMBEDDED_PG_DIR), port: EMBEDDED_PG_PORT, cleanups, log: say })

  const catcher = process.env.SMTP_URL ? null : await startMailCatcher({ log: say, restartOnCrash: true })
  if (catcher) cleanups.add(catcher.stop)

  // The demo content, with the demo desk's guides (README, "Demo logins").
  const extra = { SEED_DEMO_DESK: process.env.SEED_DEMO_DESK || 'true' }
  const env = stack.appEnv({ databaseUrl, cmsPort, sitePort, smtpUrl: process.env.SMTP_URL || catcher.smtpUrl, seed: true, extra })
  if (dev) {
    say('Applying migrations…')
    await stack.run(process.execPath, [stack.payloadBin, 'migrate'], { cwd: path.join(stack.root, 'apps/cms'), env, label: 'payload migrate' })
  }
  // A crashed CMS, site or mail catcher is restarted with backoff (and logged); Ctrl-C stops all.
  const apps = await stack.startApps({ env, cmsPort, sitePort, dev, log: say, restartOnCrash: true })
  cleanups.add(apps.stop)

  const password = process.env.SEED_PASSWORD ? '(the SEED_PASSWORD you set)' : 'runsense-demo-2026'
  console.log(`
  Runsense is running${dev ? ' (dev mode, reloads on change)' : ''} — ready in ${((Date.now() - t0) / 1000).toFixed(1)} s

  Site      http://localhost:${sitePort}
  Guide     http://localhost:${sitePort}/guides/returning-to-running-after-an-injury
  CMS       http://localhost:${cmsPort}/admin
  Database  ${DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL (${databaseUrl.replace(/:[^:@/]+@/, ':***@')})`}
  Email     ${catcher ? `local mail catcher, inbox at ${catcher.webUrl}` : 'SMTP_URL'}

  Demo logins (password: ${password})
    admin@runsense.local      admin
    editor@runsense.local     editor
    editor2@runsense.local    editor
    reviewer@runsense.local   reviewer (Raphael Crawford-Marks)
    reviewer2@runsense.local  reviewer (Demo Reviewer)

  Logs in ${path.relative(stack.root, stack.logDir())}/. Press Ctrl-C to stop.
`)
} catch (err) {
  explain(err)
  stack.stopSupervising()
  await cleanups.runAll()
  process.exit(1)
}
