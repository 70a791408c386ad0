// Small helpers for every runner: plain errors, ports, waiting for HTTP, and processes read from /proc.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

/** An error whose message is a plain sentence for the person at the terminal; no stack trace. */
export class PlainError extends Error {}

/** Prints what stopped a runner: a PlainError's sentence, else the stack. */
export const explain = (err) => console.error(`\n${err instanceof PlainError ? err.message : err.stack}`)

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const portIsFree = (port, host) =>
  new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.once('listening', () => srv.close(() => resolve(true)))
    srv.listen(port, host)
  })

/**
 * Whether the port can be listened on, asking again for up to 10 s: a port in the kernel's
 * ephemeral range (32768–60999 here) can be held for a moment as the local end of one of the
 * many outgoing connections the tests make, which is not a server in the way.
 */
export async function portFreeSoon(port, host = '127.0.0.1') {
  for (const deadline = Date.now() + 10_000; !(await portIsFree(port, host)); await sleep(250)) if (Date.now() > deadline) return false
  return true
}

/** Throws a PlainError naming the first of `ports` ({ ENV_NAME: port }) that something listens on, and what. */
export async function assertPortsFree(ports) {
  for (const [name, port] of Object.entries(ports)) {
    if ((await portFreeSoon(port)) && (await portFreeSoon(port, '::'))) continue
    let holder = ''
    try {
      const m = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).match(/users:\(\("([^"]+)",pid=(\d+)/)
      if (m) holder = ` by ${m[1]} (pid ${m[2]})`
    } catch {}
    throw new PlainError(
      `Port ${port} (${name}) is already in use${holder}. Stop whatever is using it (see "ss -ltnp | grep :${port}") or choose another port with ${name}=<port>.`,
    )
  }
}

export async function waitForHttp(url, { timeoutMs = 60_000, ok = (res) => res.ok, isAlive = () => true } = {}) {
  let last = ''
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    if (!isAlive()) throw new PlainError(`The process serving ${url} exited before it was ready.`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
      if (ok(res)) return res
      last = `HTTP ${res.status}`
    } catch (err) {
      last = err.cause?.code || err.message
    }
  }
  throw new PlainError(`${url} was not ready after ${Math.round(timeoutMs / 1000)} s (last answer: ${last}).`)
}

export const tail = (file, n = 25) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n')
  } catch {
    return ''
  }
}

/** /proc/<pid>/stat from field 3 (state) on, or null: the command name before it may hold spaces. */
export const statOf = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/** Whether a process runs (a zombie does not). */
export const isAlive = (pid) => {
  try {
    process.kill(pid, 0)
  } catch (e) {
    if (e.code !== 'EPERM') return false
  }
  const stat = statOf(pid)
  return !!stat && stat[0] !== 'Z'
}

/** A process's start time (clock ticks since boot): with the pid, it names one process for sure. */
export const startTimeOf = (pid) => statOf(pid)?.[19] ?? null

export function processTree(rootPid) {
  const pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  const parentOf = new Map(pids.map((name) => [Number(name), Number(statOf(name)?.[1])]))
  const tree = new Set([rootPid])
  // A Set's loop also visits what is added during it: every descendant, level by level.
  for (const pid of tree) for (const [child, parent] of parentOf) if (parent === pid) tree.add(child)
  return tree
}

/** Stops processes ({ pid, name }): PostgreSQL with SIGINT (its fast shutdown), the rest with SIGTERM; SIGKILL after `graceMs`. */
export async function stopProcesses(procs, graceMs = 5000) {
  for (const p of procs) signal(p.pid, /postgres/.test(p.name) ? 'SIGINT' : 'SIGTERM')
  for (const deadline = Date.now() + graceMs; Date.now() < deadline && procs.some((p) => isAlive(p.pid));) await sleep(100)
  for (const p of procs) if (isAlive(p.pid)) signal(p.pid, 'SIGKILL')
}

export const signal = (pid, sig) => {
  try {
    process.kill(pid, sig)
  } catch {}
}
