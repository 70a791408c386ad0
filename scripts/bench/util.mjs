// Small helpers shared by the bench's measurements: progress lines, autocannon runs, raw HTTP,
// process-tree memory sampling and number formatting.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import autocannon from 'autocannon'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const t0 = Date.now()
/** `[bench 12.3s] message` — every progress line the bench prints goes through here. */
let muted = false
/** After Ctrl-C only the shutdown speaks: measurements still unwinding print nothing more. */
export const mute = () => (muted = true)
export const say = (msg) => !muted && console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`)
export const elapsedSeconds = () => (Date.now() - t0) / 1000

export const num = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(digits))
export const ms = (v) => (v === null || v === undefined ? '–' : `${Number(v) < 10 ? Number(v).toFixed(1) : Math.round(Number(v))} ms`)
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

/** A percentile of a list of numbers (nearest rank). */
export function percentile(values, p) {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const running = new Set()
/** Stops any autocannon instance still running (on Ctrl-C). */
export const stopLoad = () => {
  for (const inst of running) inst.stop?.()
}

/** One autocannon run, resolved with its raw result. Prints a progress line every 5 s. */
export function cannon(opts, label) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ connections: 50, timeout: 10, ...opts }, (err, result) => {
      running.delete(inst)
      clearInterval(timer)
      if (err) reject(err)
      else resolve(result)
    })
    running.add(inst)
    let done = 0
    inst.on('response', () => done++)
    const started = Date.now()
    const timer = setInterval(() => {
      if (label) say(`${label}: ${Math.round((Date.now() - started) / 1000)} s, ${done} responses so far`)
    }, 5000)
  })
}

/** Warm-up (discarded) then the measured run; returns a compact summary. */
export async function measureLoad({ url, connections = 50, duration, warmup, label, ...rest }) {
  if (warmup > 0) await cannon({ url, connections, duration: warmup, ...rest })
  const r = await cannon({ url, connections, duration, ...rest }, label)
  return summarise(r)
}

export const summarise = (r) => ({
  rps: r.duration ? r['2xx'] / r.duration : 0,
  requests: r.requests.total,
  ok2xx: r['2xx'],
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  p50: r.latency.p50,
  p90: r.latency.p90,
  p99: r.latency.p99,
  max: r.latency.max,
  seconds: r.duration,
  statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats || {}).map(([k, v]) => [k, v.count])),
})

/** A GET that returns the body bytes exactly as sent (no automatic decompression). */
export function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${url} timed out`)))
    req.on('error', reject)
  })
}

/** A process and all its descendants, read from /proc. */
export function processTree(rootPid) {
  const parent = new Map()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      // Field 4 (ppid) comes after the command name, which is in parentheses and may hold spaces.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parent.set(Number(name), Number(after[1]))
    } catch {}
  }
  const inTree = new Set([rootPid])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parent) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid)
        grew = true
      }
    }
  }
  return inTree
}

/** A `getconf` value (PAGESIZE, CLK_TCK), or `fallback` where getconf is missing. */
const getconf = (name, fallback) => {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback
  } catch {
    return fallback
  }
}
let pageSize
/** Total resident memory (bytes) of a process and all its descendants, read from /proc. */
export function treeRss(rootPid) {
  const inTree = processTree(rootPid)
  pageSize ??= getconf('PAGESIZE', 4096)
  let total = 0
  for (const pid of inTree) {
    try {
      const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
      total += pages * pageSize
    } catch {}
  }
  return { bytes: total, processes: inTree.size }
}

let clockTicks
/** CPU seconds (user + system) used so far by the given processes, read from /proc. */
export function cpuSeconds(pids) {
  clockTicks ??= getconf('CLK_TCK', 100)
  let ticks = 0
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Fields 14 and 15 of stat (utime, stime); `after` starts at field 3.
      ticks += Number(after[11]) + Number(after[12])
    } catch {}
  }
  return ticks / clockTicks
}

/** CPU seconds (user + system) this process has used so far. */
const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/**
 * CPU used per unit of work by each part, between start() and stop(): a figure that does not
 * depend on what else the machine is doing, unlike a rate. `parts` maps a name to a function
 * returning the part's pids now (processes may come and go, e.g. a restarted CMS).
 */
export function cpuMeter(parts) {
  const read = () => Object.fromEntries(Object.entries(parts).map(([name, pids]) => [name, name === 'bench' ? ownCpuSeconds() : cpuSeconds(pids())]))
  const before = read()
  return {
    /** CPU milliseconds per unit for each part. */
    perUnit(units) {
      const after = read()
      return Object.fromEntries(Object.keys(parts).map((name) => [name, units ? ((after[name] - before[name]) * 1000) / units : null]))
    },
  }
}
