// Small helpers shared by the bench's measurements: progress lines, autocannon runs, raw HTTP,
// waiting for a page to show a change, process-tree CPU and memory, and number formatting.
import fs from 'node:fs'
import http from 'node:http'
import autocannon from 'autocannon'
import { processTree, sleep, statOf } from '../lib/util.mjs'

export { processTree, sleep }

const t0 = Date.now()
let muted = false
/** After Ctrl-C only the shutdown speaks: measurements still unwinding print nothing more. */
export const mute = () => (muted = true)
/** `[bench 12.3s] message` — every progress line the bench prints goes through here. */
export const say = (msg) => !muted && console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`)
export const elapsedSeconds = () => (Date.now() - t0) / 1000

export const num = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(digits))
/** Milliseconds as shown in the table; Infinity is a wait that timed out (untilShown). */
export const ms = (v) => (v === null || v === undefined ? '–' : v === Infinity ? '> 10 s' : `${Number(v) < 10 ? Number(v).toFixed(1) : Math.round(Number(v))} ms`)
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
/** Errors and non-2xx answers of a load run, when there were any. */
export const failures = (s) => (s.non2xx || s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : '')

/** A percentile of a list of numbers (nearest rank). */
export function percentile(values, p) {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** Latency samples (Infinity: timed out) for the results file: p50, p95, max (null when timed out), and each sample. */
export function latencies(values) {
  const finite = (v) => (v === Infinity ? null : v)
  const [p50, p95] = [percentile(values, 50), percentile(values, 95)]
  return {
    p50,
    p95,
    data: {
      n: values.length,
      p50: finite(p50),
      p95: finite(p95),
      max: finite(Math.max(...values)),
      timeouts: values.filter((v) => v === Infinity).length,
      samplesMs: values.map((v) => finite(v) && Math.round(v * 10) / 10),
    },
  }
}

/**
 * Milliseconds from `startedAt` (performance.now()) until every one of `urls` answers 200 with
 * `text` in it (polled every 20 ms); Infinity after `timeoutMs`.
 */
export async function untilShown(urls, text, startedAt, timeoutMs = 10_000) {
  const left = new Set([urls].flat())
  for (;;) {
    for (const url of [...left]) {
      try {
        const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) })
        if (res.status === 200 && (await res.text()).includes(text)) left.delete(url)
      } catch {}
    }
    if (!left.size) return performance.now() - startedAt
    if (performance.now() - startedAt > timeoutMs) return Infinity
    await sleep(20)
  }
}

const running = new Set()
/** Stops any autocannon instance still running (on Ctrl-C). */
export const stopLoad = () => running.forEach((inst) => inst.stop?.())

/** One autocannon run, resolved with its raw result. Prints a progress line every 5 s. */
export function cannon(opts, label) {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    let done = 0
    const timer = setInterval(() => label && say(`${label}: ${Math.round((Date.now() - started) / 1000)} s, ${done} responses so far`), 5000)
    const inst = autocannon({ connections: 50, timeout: 10, ...opts }, (err, result) => {
      running.delete(inst)
      clearInterval(timer)
      return err ? reject(err) : resolve(result)
    })
    running.add(inst)
    inst.on('response', () => done++)
  })
}

/** Warm-up (discarded) then the measured run; returns a compact summary. */
export async function measureLoad({ url, connections = 50, duration, warmup, label, ...rest }) {
  if (warmup > 0) await cannon({ url, connections, duration: warmup, ...rest })
  const r = await cannon({ url, connections, duration, ...rest }, label)
  return {
    rps: r.duration ? r['2xx'] / r.duration : 0,
    requests: r.requests.total,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    ...Object.fromEntries(['p50', 'p90', 'p99', 'max'].map((k) => [k, r.latency[k]])),
    seconds: r.duration,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats || {}).map(([k, v]) => [k, v.count])),
  }
}

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

/** Total resident memory (bytes) of a process and all its descendants, read from /proc. */
export function treeRss(rootPid) {
  const inTree = processTree(rootPid)
  let kB = 0
  for (const pid of inTree) {
    try {
      kB += Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
    } catch {}
  }
  return { bytes: kB * 1024, processes: inTree.size }
}

/**
 * CPU used per unit of work by each part, from now until the returned perUnit(units) is called (CPU
 * ms per unit for each part): a figure that does not depend on what else the machine is doing,
 * unlike a rate. `parts` maps a name to a function returning the part's pids now (processes may
 * come and go, e.g. a restarted CMS); `bench` is this process.
 */
export function cpuMeter(parts) {
  // utime + stime (fields 14, 15) in clock ticks: 100 a second (USER_HZ) on Linux.
  const seconds = (pids) => [...pids].map(statOf).reduce((sum, stat) => sum + (stat ? Number(stat[11]) + Number(stat[12]) : 0), 0) / 100
  const own = () => Object.values(process.cpuUsage()).reduce((a, b) => a + b) / 1e6
  const read = () => Object.fromEntries(Object.entries(parts).map(([name, pids]) => [name, name === 'bench' ? own() : seconds(pids())]))
  const before = read()
  return (units) => {
    const after = read()
    return Object.fromEntries(Object.keys(parts).map((name) => [name, units ? ((after[name] - before[name]) * 1000) / units : null]))
  }
}

/** `; CPU per <unit>: cms 0.12 ms, …` for a figure, '' without a meter. */
const cpuEach = (cpu) => Object.entries(cpu).map(([part, ms]) => `${part} ${ms === null ? '?' : ms.toFixed(2)} ms`)
export const cpuText = (unit, cpu) => (cpu ? `; CPU per ${unit}: ${cpuEach(cpu).join(', ')}` : '')
