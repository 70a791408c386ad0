#!/usr/bin/env node
// `npm test`: the unit, int and e2e tiers in order (README, "Tests"); `npm test -- int` runs one tier,
// other words filter test files. int and e2e each run on a fresh database (on TEST_DATABASE_URL's or
// DATABASE_URL's server, else an embedded PostgreSQL) with freshly started apps and MailDev.
import path from 'node:path'
import { installIfNeeded } from './lib/install.mjs'

// A fresh clone's `npm test` installs what it needs first, as `npm start` does; nothing below
// may be imported before that.
installIfNeeded((m) => console.log(`[test] ${m}`))
const stack = await import('./lib/stack.mjs')
const { startMailCatcher } = await import('./lib/mail.mjs')

const tiers = process.argv.slice(2).filter((a) => ['unit', 'int', 'e2e'].includes(a))
// Anything else on the command line filters test files (e.g. `npm test -- int workflow`).
const filters = process.argv.slice(2).filter((a) => !['unit', 'int', 'e2e'].includes(a))
const want = (t) => tiers.length === 0 || tiers.includes(t)
const say = (m) => console.log(`\n[test] ${m}`)
const results = []

async function tier(name, env = {}) {
  say(`${name} tests…`)
  const started = Date.now()
  try {
    await (name === 'e2e'
      ? stack.run(process.execPath, [path.join(stack.root, 'node_modules/@playwright/test/cli.js'), 'test', ...filters], { env, quiet: false, label: 'e2e tests' })
      : stack.vitest(name, filters, { env, label: `${name} tests` }))
    results.push([name, 'passed', Date.now() - started])
  } catch (err) {
    results.push([name, 'FAILED', Date.now() - started])
    throw err
  }
}

// Ctrl-C: stop the apps, then the database, then drop the test databases (reverse order).
const code = await stack.runWithCleanups(async (cleanups) => {
  if (want('unit')) await tier('unit')

  if (want('int') || want('e2e')) {
    await stack.buildApps({ say })

    const cmsPort = Number(process.env.TEST_CMS_PORT || 3101)
    const sitePort = Number(process.env.TEST_SITE_PORT || 3100)
    const mailWeb = Number(process.env.TEST_MAIL_WEB_PORT || 1180)
    await stack.assertPortsFree({ TEST_CMS_PORT: cmsPort, TEST_SITE_PORT: sitePort })

    const serverUrl = await stack.databaseServer({ dataDir: 'test-pg', port: Number(process.env.TEST_EMBEDDED_PG_PORT || 54339), cleanups, log: say })
    const mail = await startMailCatcher({ smtpPort: Number(process.env.TEST_MAIL_SMTP_PORT || 1125), webPort: mailWeb })
    cleanups.add(mail.stop)

    /** Each tier runs on a fresh database and freshly started apps, so tiers cannot affect each other. */
    const onFreshStack = async (name) => {
      say(`Fresh database and apps for the ${name} tier…`)
      const { env, apps, stop } = await stack.startFresh({
        serverUrl,
        profile: `test_${name}`,
        cmsPort,
        sitePort,
        smtpUrl: mail.smtpUrl,
        cleanups,
        // The int tier simulates many readers from one machine through X-Forwarded-For, so the site
        // trusts it there; the e2e tier runs as in production (peer address only).
        // The site's deadlines on CMS calls are generous here: these tiers test what is answered, on
        // a machine that may be busy; the fault tests check the production deadlines themselves.
        extra: {
          TRUST_PROXY: name === 'int' ? '1' : '',
          CMS_READ_TIMEOUT_MS: process.env.CMS_READ_TIMEOUT_MS || '10000',
          SIGNUP_CMS_TIMEOUT_MS: process.env.SIGNUP_CMS_TIMEOUT_MS || '30000',
          // Overdue reviews are looked for hourly in production; every 10 s here (tests/int/desk).
          REVIEW_CADENCE_CRON: process.env.REVIEW_CADENCE_CRON || '*/10 * * * * *',
        },
      })
      try {
        // CMS_LOG_FILE: what the CMS logs, for tests of what it says (and how often).
        await tier(name, { ...env, SEED_DEMO_CONTENT: 'false', MAIL_API_URL: `http://127.0.0.1:${mailWeb}`, NODE_ENV: 'test', CMS_LOG_FILE: apps.cms.logFile })
      } finally {
        await cleanups.now(stop)
      }
    }

    for (const name of ['int', 'e2e']) if (want(name)) await onFreshStack(name)
  }
})
console.log('\nTiers:')
for (const [name, status, ms] of results) console.log(`  ${name.padEnd(5)} ${status.padEnd(7)} ${(ms / 1000).toFixed(1)} s`)
const passed = results.filter((r) => r[1] === 'passed').length
console.log(`tiers: ${passed} passed, ${results.length - passed} failed`)
process.exit(code)
