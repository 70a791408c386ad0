// A Postgres primary with one streaming read replica (docker-compose.yml's postgres + postgres-replica)
// from the machine's PostgreSQL binaries, in a temporary folder: initdb, pg_basebackup -R, a second
// server. As root, the servers run as the `postgres` system user (Postgres refuses to run as root).
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PlainError } from './util.mjs'

/** The newest installed server binaries (Debian's /usr/lib/postgresql/<n>/bin), or PG_BIN. */
function pgBinDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const base = '/usr/lib/postgresql'
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)) : []
  const bin = versions.sort((a, b) => b - a).find((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
  if (!bin) throw new PlainError('No PostgreSQL server binaries found (apt-get install postgresql, or set PG_BIN).')
  return path.join(base, bin, 'bin')
}

const asRoot = process.getuid?.() === 0

function pgRun(bin, args, { allowFail = false } = {}) {
  const cmd = asRoot ? 'runuser' : bin
  const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args
  const r = spawnSync(cmd, argv, { encoding: 'utf8' })
  if (r.status !== 0 && !allowFail) throw new PlainError(`${path.basename(bin)} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  return r
}

/**
 * Starts the pair; returns { primaryUrl(db), replicaUrl(db), dir, stop }. Both listen on
 * 127.0.0.1 with trust auth (a throwaway test cluster).
 */
export async function startPrimaryWithReplica({ primaryPort, replicaPort, log = () => {} }) {
  const bin = pgBinDir()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-pg-pair-'))
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir])
  const primary = path.join(dir, 'primary')
  const replica = path.join(dir, 'replica')
  log(`Postgres primary on ${primaryPort} and streaming replica on ${replicaPort} in ${dir}`)
  pgRun(path.join(bin, 'initdb'), ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  fs.appendFileSync(
    path.join(primary, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nport = ${primaryPort}\nunix_socket_directories = '${dir}'\nwal_level = replica\nmax_wal_senders = 5\nmax_connections = 200\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n`,
  )
  fs.appendFileSync(path.join(primary, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n')
  pgRun(path.join(bin, 'pg_ctl'), ['-D', primary, '-l', path.join(dir, 'primary.log'), '-w', 'start'])
  const stops = [() => pgRun(path.join(bin, 'pg_ctl'), ['-D', primary, '-m', 'immediate', '-w', 'stop'], { allowFail: true })]
  try {
    pgRun(path.join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica, '-R', '-X', 'stream', '--no-sync'])
    // Same settings, another port; -R wrote standby.signal and primary_conninfo.
    fs.appendFileSync(path.join(replica, 'postgresql.conf'), `\nport = ${replicaPort}\nhot_standby = on\nhot_standby_feedback = on\n`)
    pgRun(path.join(bin, 'pg_ctl'), ['-D', replica, '-l', path.join(dir, 'replica.log'), '-w', 'start'])
    stops.unshift(() => pgRun(path.join(bin, 'pg_ctl'), ['-D', replica, '-m', 'immediate', '-w', 'stop'], { allowFail: true }))
  } catch (err) {
    for (const s of stops) s()
    throw err
  }
  return {
    dir,
    primaryUrl: (db = 'postgres') => `postgres://postgres@127.0.0.1:${primaryPort}/${db}`,
    replicaUrl: (db = 'postgres') => `postgres://postgres@127.0.0.1:${replicaPort}/${db}`,
    stop: async () => {
      for (const s of stops) s()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
