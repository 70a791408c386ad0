// The production topology of docker-compose.yml without Docker, for `npm run test:topology` and the
// bench's rows 10–12: nginx (deploy/nginx/cache.conf) in front of two sites sharing a Redis, the CMS
// API, job workers, a Postgres primary with a streaming replica, a mail catcher. Each process gets
// its compose service's environment with in-network addresses made local; the few overrides are listed below.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { startMailCatcher } from './mail.mjs'
import { frontConf, startNginx } from './nginx.mjs'
import { startPrimaryWithReplica } from './pg-replica.mjs'
import { ensureDatabase } from './embedded-pg.mjs'
import { answering, appEnv, root, servedBuild, startApp, startProcess } from './stack.mjs'
import { PlainError, assertPortsFree, sleep, tail } from './util.mjs'

const execFileP = promisify(execFile)

/**
 * Its ports, all on 127.0.0.1: `<prefix>_<NAME>_PORT`, else the default for that prefix, TOPOLOGY
 * (`npm run test:topology`) or BENCH_TOPOLOGY (the bench's rows 10–12). Postgres is below the
 * kernel's ephemeral range for the test, so no outgoing connection can hold its ports.
 */
const PORTS = {
  front: ['FRONT', 6400, 3240],
  frontRefresh: ['FRONT_REFRESH', 6407, 3249],
  site1: ['SITE1', 6401, 3241],
  site2: ['SITE2', 6402, 3242],
  cms: ['CMS', 6403, 3243],
  worker1: ['WORKER1_HEALTH', 6404, 3244],
  worker2: ['WORKER2_HEALTH', 6405, 3245],
  redis: ['REDIS', 6406, 3246],
  mailSmtp: ['MAIL_SMTP', 6425, 3247],
  mailWeb: ['MAIL_WEB', 6480, 3248],
  pg: ['PG', 26689, 54351],
  pgReplica: ['PG_REPLICA', 26690, 54352],
}
const portsOf = (prefix) =>
  Object.fromEntries(Object.entries(PORTS).map(([key, [name, test, bench]]) => [key, Number(process.env[`${prefix}_${name}_PORT`] || (prefix === 'TOPOLOGY' ? test : bench))]))

function composeEnv(service, { vars, hosts }) {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true })
  const env = compose.services?.[service]?.environment
  if (!env) throw new PlainError(`docker-compose.yml has no environment for service ${service}`)
  // In-network addresses → local ones (each URL of a comma-separated list).
  const local = (part) => {
    const url = URL.canParse(part) && new URL(part)
    const to = url && hosts[`${url.hostname}:${url.port}`]
    if (!to) return part
    Object.assign(url, { hostname: to.host, port: String(to.port) })
    // The local Postgres pair is a throwaway cluster with trust auth for "postgres".
    if (url.protocol === 'postgres:') Object.assign(url, { username: 'postgres', password: '' })
    return url.toString().replace(/\/$/, part.endsWith('/') ? '/' : '')
  }
  // ${NAME:?msg}, ${NAME:-default}: our value for NAME, else the default.
  const value = (raw) => String(raw ?? '').replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name, op, arg) => vars[name] ?? process.env[name] ?? (op === '-' ? arg : ''))
  return Object.fromEntries(Object.entries(env).map(([k, raw]) => [k, value(raw).split(',').map(local).join(',')]))
}

async function startRedis({ port, dir }) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory', '256mb', '--maxmemory-policy', 'volatile-lru']
  const proc = startProcess('topology-redis', 'redis-server', args, { cwd: dir, env: {} })
  const pong = () =>
    execFileP('redis-cli', ['-p', String(port), 'ping']).then(
      ({ stdout }) => stdout.trim() === 'PONG',
      () => false,
    )
  for (const deadline = Date.now() + 15_000; !(await pong()); await sleep(200)) {
    if (!proc.isAlive() || Date.now() > deadline) throw new PlainError(`redis-server did not start on ${port} (apt-get install -y redis-server). ${tail(proc.logFile)}`)
  }
  return proc
}

/**
 * Starts everything; returns { urls, testEnv, stop }.
 * `overrides` (per service name) are added on top of the compose environment. `onStop(stop)` is
 * called at once with the function that stops whatever has been started so far.
 */
export async function startTopology({ log = () => {}, workers = 2, overrides = {}, portsPrefix = 'TOPOLOGY', onStop = () => {} } = {}) {
  const ports = portsOf(portsPrefix)
  await assertPortsFree(Object.fromEntries(Object.entries(PORTS).map(([key, [name]]) => [`${portsPrefix}_${name}_PORT`, ports[key]])))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-topology-'))
  if (process.getuid?.() === 0) fs.chmodSync(dir, 0o755)
  const stops = []
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error(`topology stop: ${e.message}`))
    stops.length = 0
    fs.rmSync(dir, { recursive: true, force: true })
  }
  // The caller can stop a topology that is still starting (Ctrl-C): nothing is left running.
  onStop(stop)
  try {
    const pair = await startPrimaryWithReplica({ primaryPort: ports.pg, replicaPort: ports.pgReplica, log })
    stops.push(pair.stop)
    await ensureDatabase(pair.primaryUrl('runsense'))
    const redis = await startRedis({ port: ports.redis, dir })
    stops.push(redis.stop)
    const mail = await startMailCatcher({ smtpPort: ports.mailSmtp, webPort: ports.mailWeb })
    stops.push(mail.stop)

    const base = appEnv({ databaseUrl: '', cmsPort: ports.cms, sitePort: ports.front })
    const vars = { PAYLOAD_SECRET: base.PAYLOAD_SECRET, REVALIDATE_SECRET: base.REVALIDATE_SECRET, NEWSLETTER_SECRET: base.NEWSLETTER_SECRET }
    const local = (port, host = '127.0.0.1') => ({ host, port })
    const hosts = {
      'postgres:5432': local(ports.pg),
      'postgres-replica:5432': local(ports.pgReplica),
      'redis:6379': local(ports.redis),
      'cms:3001': local(ports.cms),
      'web-1:3000': local(ports.site1),
      'web-2:3000': local(ports.site2),
      'cache:8081': local(ports.frontRefresh),
      'maildev:1025': local(ports.mailSmtp),
      'localhost:8080': local(ports.front, 'localhost'),
      'localhost:3001': local(ports.cms, 'localhost'),
    }
    const envOf = (service, over) => ({ NEXT_TELEMETRY_DISABLED: '1', NEWSLETTER_EVENTS_SECRET: base.NEWSLETTER_EVENTS_SECRET, ...composeEnv(service, { vars, hosts }), ...over })
    // What cannot carry over from the containers: the demo accounts have no authenticator app
    // and their reviewers no passkey (as in every local run with demo content; passkey-signed
    // sign-offs are tested on their own, tests/int/passkeys.int.test.ts and tests/e2e/passkeys.e2e.ts),
    // and the ports.
    const cmsEnv = envOf('cms', { STAFF_2FA: 'off', REQUIRE_PASSKEY_SIGNOFF: 'false', ...overrides.cms })

    for (const app of ['cms', 'web']) servedBuild(app) // one build for every process of the topology
    log(`CMS API on ${ports.cms} (JOBS_AUTORUN=${cmsEnv.JOBS_AUTORUN})…`)
    const cms = startApp('cms', { env: cmsEnv, port: ports.cms })
    stops.push(cms.stop)
    await answering(cms, `http://127.0.0.1:${ports.cms}/api/health`, { timeoutMs: 120_000 })

    const workerHealth = [ports.worker1, ports.worker2].slice(0, workers).map((port) => `http://127.0.0.1:${port}/health`)
    // --conditions=production: Lexical's prod build, without the top-level await that now and then
    // deadlocks Node's loader (docs/platform.md; tests/unit/worker-start.test.ts).
    const startWorker = (i) => {
      const w = startProcess(`topology-worker-${i + 1}`, process.execPath, ['--conditions=production', '--enable-source-maps', 'dist/worker.mjs'], {
        cwd: path.join(root, 'apps/cms'),
        env: { ...envOf('worker', overrides.worker), NODE_ENV: 'production', NODE_OPTIONS: '--no-deprecation', WORKER_HEALTH_PORT: String(i ? ports.worker2 : ports.worker1) },
      })
      let exitedWith = null
      w.child.once('exit', (code, signal) => (exitedWith = signal ?? `exit code ${code}`))
      stops.push(w.stop)
      return answering(w, workerHealth[i], { timeoutMs: 90_000, why: () => ` (${exitedWith ?? 'still running'})` }).then(() => w)
    }
    // The workers start while the sites do; handled now, awaited after the sites.
    const workersUp = Promise.all(workerHealth.map((_url, i) => startWorker(i)))
    workersUp.catch(() => {})
    log('Two site instances…')
    const sites = [ports.site1, ports.site2].map((port, i) => startApp('web', { name: `topology-web-${i + 1}`, env: envOf(`web-${i + 1}`, overrides.web), port }))
    stops.push(...sites.map((s) => s.stop))
    for (const [i, s] of sites.entries()) await answering(s, `http://127.0.0.1:${i ? ports.site2 : ports.site1}/`, { timeoutMs: 90_000, ok: (r) => r.status < 500 })
    const workerProcs = await workersUp
    log(`nginx in front on ${ports.front}…`)
    const conf = frontConf({ dir, port: ports.front, refreshPort: ports.frontRefresh, sites: [ports.site1, ports.site2] })
    const nginx = await startNginx({ name: 'topology-nginx', dir, files: { 'cache.conf': conf }, readyUrl: `http://127.0.0.1:${ports.front}/` })
    stops.push(nginx.stop)

    const urls = {
      front: `http://localhost:${ports.front}`,
      site1: `http://127.0.0.1:${ports.site1}`,
      site2: `http://127.0.0.1:${ports.site2}`,
      cms: `http://localhost:${ports.cms}`,
      mail: `http://127.0.0.1:${ports.mailWeb}`,
    }
    return {
      urls,
      /** What the topology tests read (tests/topology/*.topology.ts). */
      testEnv: {
        CMS_URL: urls.cms,
        SITE_URL: urls.front,
        SITE_1_URL: urls.site1,
        SITE_2_URL: urls.site2,
        MAIL_API_URL: urls.mail,
        DATABASE_URL: pair.primaryUrl('runsense'),
        DATABASE_REPLICA_URL: pair.replicaUrl('runsense'),
        TOPOLOGY_REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
        SITE_2_PID: String(sites[1].child.pid),
        WORKER_PIDS: workerProcs.map((w) => w.child.pid).join(','),
        WORKER_HEALTH_URLS: workerHealth.join(','),
        MAIL_PID: String(mail.proc.child.pid),
        NEWSLETTER_EVENTS_SECRET: base.NEWSLETTER_EVENTS_SECRET,
        REVALIDATE_SECRET: base.REVALIDATE_SECRET,
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
