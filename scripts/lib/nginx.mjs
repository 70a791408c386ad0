// nginx for the topology (the front) and the bench (the front's micro-cache, and nginx serving a
// page from disk as the reference): deploy/nginx/cache.conf with its addresses made local, run in
// the foreground as our child, with its pid, logs, temp files and cache in a folder of its own.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { root, startProcess } from './stack.mjs'
import { PlainError, tail, waitForHttp } from './util.mjs'

/**
 * The nginx binary (NGINX_BIN, /usr/sbin or the PATH). With `install` (the bench), nginx-light is
 * installed with apt-get when there is none; RUNLEVEL=1 keeps it from starting a system nginx on port 80.
 */
function nginxBin({ install = false, say = () => {} } = {}) {
  const find = () => [process.env.NGINX_BIN, '/usr/sbin/nginx', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'nginx'))].find((b) => b && fs.existsSync(b))
  let apt = null
  if (!find() && install) {
    say('nginx is not installed: installing nginx-light with apt-get (once per machine)…')
    const get = `${process.getuid?.() === 0 ? '' : 'sudo -n '}apt-get`
    const cmd = `${get} install -y --no-install-recommends nginx-light || (${get} update && ${get} install -y --no-install-recommends nginx-light)`
    apt = spawnSync('sh', ['-c', cmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' }, encoding: 'utf8' })
  }
  const bin = find()
  if (bin) return bin
  throw new PlainError(
    apt
      ? `nginx is missing and "apt-get install -y nginx-light" failed: ${`${apt.stderr}${apt.stdout}`.trim().split('\n').slice(-3).join(' ')}`
      : 'nginx is not installed (apt-get install -y nginx).',
  )
}

/**
 * deploy/nginx/cache.conf with local addresses: its cache in `dir`, the front on `port`, the refresh
 * port on `refreshPort` (none when not given: nobody refreshes pages), the site instances on `sites`.
 */
export function frontConf({ dir, port, refreshPort, sites }) {
  let conf = fs.readFileSync(path.join(root, 'deploy/nginx/cache.conf'), 'utf8')
  const swaps = [
    [/proxy_cache_path\s+\S+/, `proxy_cache_path ${path.join(dir, 'cache')}`],
    [/listen\s+8080;/, `listen 127.0.0.1:${port};`],
    [/\n\s*listen\s+8081;/, refreshPort ? `\n    listen 127.0.0.1:${refreshPort};` : ''],
    [/^(\s+)8081 1;/m, `$1${refreshPort ?? 8081} 1;`],
    [/server\s+web-1:3000([^;]*);\s*server\s+web-2:3000[^;]*;/, sites.map((p) => `server 127.0.0.1:${p}$1;`).join('\n    ')],
  ]
  for (const [re, to] of swaps) {
    if (!re.test(conf)) throw new PlainError(`deploy/nginx/cache.conf no longer contains ${re}; update scripts/lib/nginx.mjs`)
    conf = conf.replace(re, to)
  }
  return conf
}

/**
 * Starts nginx with `files` (name → text: server blocks, included in its http block) written to
 * `dir`; resolves once `readyUrl` answers at all. A startProcess handle.
 */
export async function startNginx({ name, dir, files, readyUrl, workers = 1, install = false, say }) {
  const bin = nginxBin({ install, say })
  fs.chmodSync(dir, 0o755)
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, `tmp-${t}`)};`)
  const main = [
    // As root, the workers stay root (not "nobody"), so they can use the folder as the master does.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `worker_processes ${workers};`,
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    ...['access_log off;', ...temp, 'sendfile on;', 'tcp_nopush on;', 'server_tokens off;', 'default_type application/octet-stream;'],
    // autocannon keeps its connections open for the whole run; do not close them every 1000 requests.
    'keepalive_requests 10000000;',
    ...Object.keys(files).map((file) => `include ${path.join(dir, file)};`),
    '}',
  ]
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `${main.join('\n')}\n`)
  const proc = startProcess(name, bin, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { cwd: dir, env: {} })
  await waitForHttp(readyUrl, { timeoutMs: 30_000, isAlive: proc.isAlive, ok: () => true }).catch(async (err) => {
    await proc.stop()
    throw new PlainError(`nginx did not start: ${err.message}\n${tail(proc.logFile)}\n${tail(path.join(dir, 'error.log'))}`)
  })
  return proc
}
