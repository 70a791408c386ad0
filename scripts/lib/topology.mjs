// The production topology of docker-compose.yml, without Docker: nginx (deploy/nginx/cache.conf)
// in front of two site processes sharing a Redis, the CMS API (no jobs), job workers, a Postgres
// primary with a streaming replica, a mail catcher. Every process gets the environment its
// compose service declares (read from docker-compose.yml), with the in-network addresses mapped
// to local ports; only what cannot carry over is overridden, and each override is listed below.
// Used by `npm run test:topology` (scripts/test-topology.mjs) and the bench's topology rows.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { startMailCatcher } from './mail.mjs'
import { startPrimaryWithReplica } from './pg-replica.mjs'
import { answering, appEnv, localSecrets, root, servedBuild, startCms, startDatabase, startProcess, startWeb, tail } from './stack.mjs'
import { PlainError, portFreeSoon, waitForHttp } from './util.mjs'

const num = (name, fallback) => Number(process.env[name] || fallback)

/** Ports (env names in parentheses), all on 127.0.0.1. */
export const topologyPorts = () => ({
  front: num('TOPOLOGY_FRONT_PORT', 6400),
  frontRefresh: num('TOPOLOGY_FRONT_REFRESH_PORT', 6407),
  site1: num('TOPOLOGY_SITE1_PORT', 6401),
  site2: num('TOPOLOGY_SITE2_PORT', 6402),
  cms: num('TOPOLOGY_CMS_PORT', 6403),
  worker1: num('TOPOLOGY_WORKER1_HEALTH_PORT', 6404),
  worker2: num('TOPOLOGY_WORKER2_HEALTH_PORT', 6405),
  redis: num('TOPOLOGY_REDIS_PORT', 6406),
  mailSmtp: num('TOPOLOGY_MAIL_SMTP_PORT', 6425),
  mailWeb: num('TOPOLOGY_MAIL_WEB_PORT', 6480),
  // Below the kernel's ephemeral range, so no outgoing connection can hold them.
  pg: num('TOPOLOGY_PG_PORT', 26689),
  pgReplica: num('TOPOLOGY_PG_REPLICA_PORT', 26690),
})

function composeEnv(service, { vars, hosts }) {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true })
  const env = compose.services?.[service]?.environment
  if (!env) throw new PlainError(`docker-compose.yml has no environment for service ${service}`)
  const out = {}
  for (const [k, raw] of Object.entries(env)) {
    // ${NAME:?msg}, ${NAME:-default}: our value for NAME, else the default.
    let v = String(raw ?? '').replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name, op, arg) => vars[name] ?? process.env[name] ?? (op === '-' ? arg : ''))
    // In-network addresses → local ones (each URL of a comma-separated list).
    v = v
      .split(',')
      .map((part) => {
        let url
        try {
          url = new URL(part)
        } catch {
          return part
        }
        const to = hosts[`${url.hostname}:${url.port}`]
        if (!to) return part
        url.hostname = to.host
        url.port = String(to.port)
        // The local Postgres pair is a throwaway cluster with trust auth for "postgres".
        if (url.protocol === 'postgres:') {
          url.username = 'postgres'
          url.password = ''
        }
        return url.toString().replace(/\/$/, part.endsWith('/') ? '/' : '')
      })
      .join(',')
    out[k] = v
  }
  return out
}

/** nginx running deploy/nginx/cache.conf, with the upstream servers and paths made local. */
async function startNginx({ ports, dir }) {
  const conf = fs
    .readFileSync(path.join(root, 'deploy/nginx/cache.conf'), 'utf8')
    .replace('/var/cache/nginx/runsense', path.join(dir, 'cache'))
    .replace(/listen\s+8080;/, `listen 127.0.0.1:${ports.front};`)
    .replace(/listen\s+8081;/, `listen 127.0.0.1:${ports.frontRefresh};`)
    .replace(/^(\s+)8081 1;/m, `$1${ports.frontRefresh} 1;`)
    .replace('server web-1:3000', `server 127.0.0.1:${ports.site1}`)
    .replace('server web-2:3000', `server 127.0.0.1:${ports.site2}`)
  if (conf.includes('web-1:') || conf.includes('web-2:') || /^[^#]*\b8081\b/m.test(conf))
    throw new PlainError('deploy/nginx/cache.conf: an upstream server or the refresh port was not mapped')
  fs.writeFileSync(path.join(dir, 'cache.conf'), conf)
  const temp = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t === 'body' ? 'client_body' : t}_temp_path ${path.join(dir, `tmp-${t}`)};`).join('\n  ')
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;\npid ${path.join(dir, 'nginx.pid')};\nerror_log ${path.join(dir, 'nginx-error.log')} warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  ${temp}\n  include ${path.join(dir, 'cache.conf')};\n}\n`,
  )
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((b) => fs.existsSync(b))
  if (!bin) throw new PlainError('nginx is not installed (apt-get install -y nginx).')
  const proc = startProcess('topology-nginx', bin, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { cwd: dir, env: {} })
  await waitForHttp(`http://127.0.0.1:${ports.front}/`, { timeoutMs: 30_000, isAlive: proc.isAlive, ok: () => true }).catch((err) => {
    throw new PlainError(`${err.message}\n${tail(path.join(dir, 'nginx-error.log'))}`)
  })
  return proc
}

async function startRedis({ port, dir }) {
  const proc = startProcess(
    'topology-redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory', '256mb', '--maxmemory-policy', 'volatile-lru'],
    { cwd: dir, env: {} },
  )
  const deadline = Date.now() + 15_000
  for (;;) {
    const ok = await new Promise((resolve) => {
      const p = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
      let out = ''
      p.stdout.on('data', (d) => (out += d))
      p.on('exit', () => resolve(out.trim() === 'PONG'))
      p.on('error', () => resolve(false))
    })
    if (ok) return proc
    if (!proc.isAlive() || Date.now() > deadline) throw new PlainError(`redis-server did not start on ${port} (apt-get install -y redis-server). ${tail(proc.logFile)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Starts everything; returns { ports, urls, env (for tests), procs, stop }.
 * `overrides` (per service name) are added on top of the compose environment. `onStop(stop)` is
 * called at once with the function that stops whatever has been started so far.
 */
export async function startTopology({ log = () => {}, workers = 2, overrides = {}, ports: givenPorts = {}, onStop = () => {} } = {}) {
  const ports = { ...topologyPorts(), ...givenPorts }
  for (const [name, port] of Object.entries(ports)) if (!(await portFreeSoon(port))) throw new PlainError(`Port ${port} (${name}) is in use: choose another with TOPOLOGY_*_PORT.`)
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
    await startDatabase({ url: pair.primaryUrl('runsense') })
    const redis = await startRedis({ port: ports.redis, dir })
    stops.push(redis.stop)
    const mail = await startMailCatcher({ smtpPort: ports.mailSmtp, webPort: ports.mailWeb })
    stops.push(mail.stop)

    const secrets = localSecrets()
    const base = appEnv({ databaseUrl: '', cmsPort: ports.cms, sitePort: ports.front, secrets })
    const vars = { PAYLOAD_SECRET: base.PAYLOAD_SECRET, REVALIDATE_SECRET: base.REVALIDATE_SECRET, NEWSLETTER_SECRET: base.NEWSLETTER_SECRET }
    const hosts = {
      'postgres:5432': { host: '127.0.0.1', port: ports.pg },
      'postgres-replica:5432': { host: '127.0.0.1', port: ports.pgReplica },
      'redis:6379': { host: '127.0.0.1', port: ports.redis },
      'cms:3001': { host: '127.0.0.1', port: ports.cms },
      'web-1:3000': { host: '127.0.0.1', port: ports.site1 },
      'web-2:3000': { host: '127.0.0.1', port: ports.site2 },
      'cache:8081': { host: '127.0.0.1', port: ports.frontRefresh },
      'maildev:1025': { host: '127.0.0.1', port: ports.mailSmtp },
      'localhost:8080': { host: 'localhost', port: ports.front },
      'localhost:3001': { host: 'localhost', port: ports.cms },
    }
    const common = { NEXT_TELEMETRY_DISABLED: '1', NEWSLETTER_EVENTS_SECRET: base.NEWSLETTER_EVENTS_SECRET }
    // What cannot carry over from the containers: the demo accounts have no authenticator app
    // and their reviewers no passkey (as in every local run with demo content; passkey-signed
    // sign-offs are tested on their own, tests/int/passkeys.int.test.ts and tests/e2e/passkeys.e2e.ts),
    // and the ports.
    const cmsEnv = { ...common, ...composeEnv('cms', { vars, hosts }), STAFF_2FA: 'off', REQUIRE_PASSKEY_SIGNOFF: 'false', ...overrides.cms }
    const workerEnv = { ...common, ...composeEnv('worker', { vars, hosts }), ...overrides.worker }
    const siteEnv = (name) => ({ ...common, ...composeEnv(name, { vars, hosts }), ...overrides.web })

    for (const app of ['cms', 'web']) servedBuild(app) // one build for every process of the topology
    log(`CMS API on ${ports.cms} (JOBS_AUTORUN=${cmsEnv.JOBS_AUTORUN})…`)
    const cms = startCms({ env: cmsEnv, cmsPort: ports.cms })
    stops.push(cms.stop)
    await answering(cms, `http://127.0.0.1:${ports.cms}/api/health`, { timeoutMs: 120_000 })

    const startWorker = (i) =>
      startProcess(`topology-worker-${i}`, process.execPath, ['--enable-source-maps', 'dist/worker.mjs'], {
        cwd: path.join(root, 'apps/cms'),
        env: { ...workerEnv, NODE_ENV: 'production', NODE_OPTIONS: '--no-deprecation', WORKER_HEALTH_PORT: String(i === 1 ? ports.worker1 : ports.worker2) },
      })
    const workerProcs = []
    for (let i = 1; i <= workers; i++) {
      const w = startWorker(i)
      w.child.once('exit', (code, signal) => (w.exitedWith = signal ?? `exit code ${code}`))
      workerProcs.push(w)
      stops.push(() => workerProcs[i - 1].stop())
    }
    const startSite = (i) => startWeb({ name: `topology-web-${i}`, env: siteEnv(`web-${i}`), sitePort: i === 1 ? ports.site1 : ports.site2 })
    log('Two site instances…')
    const sites = [startSite(1), startSite(2)]
    for (const s of sites) stops.push(s.stop)
    for (const [i, s] of sites.entries()) {
      await answering(s, `http://127.0.0.1:${i === 0 ? ports.site1 : ports.site2}/`, { timeoutMs: 90_000, ok: (r) => r.status < 500 })
    }
    for (const [i, w] of workerProcs.entries()) {
      await answering(w, `http://127.0.0.1:${i === 0 ? ports.worker1 : ports.worker2}/health`, { timeoutMs: 90_000, why: () => ` (${w.exitedWith ?? 'still running'})` })
    }
    log(`nginx in front on ${ports.front}…`)
    const nginx = await startNginx({ ports, dir })
    stops.push(nginx.stop)

    const urls = {
      front: `http://localhost:${ports.front}`,
      site1: `http://127.0.0.1:${ports.site1}`,
      site2: `http://127.0.0.1:${ports.site2}`,
      cms: `http://localhost:${ports.cms}`,
      mail: `http://127.0.0.1:${ports.mailWeb}`,
    }
    return {
      ports,
      urls,
      procs: { cms, sites, workers: workerProcs, nginx, redis, mail: mail.proc },
      pair,
      cmsEnv,
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
        WORKER_HEALTH_URLS: workerProcs.map((_w, i) => `http://127.0.0.1:${i === 0 ? ports.worker1 : ports.worker2}/health`).join(','),
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
