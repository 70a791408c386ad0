// Row 7: cold build of both apps (no .next, turbo --force), timed, with the peak total RSS of the
// whole process tree (turbo, npm, next, its workers) sampled from /proc every 200 ms.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { buildApps, root } from '../lib/stack.mjs'
import { say, sleep, treeRss } from './util.mjs'

/** Runs turbo build --force; resolves { seconds, peakBytes, peakProcesses } or rejects with the output's tail. */
function coldBuild({ register }) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [path.join(root, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--output-logs=errors-only', '--force'], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const unregister = register(async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    let peak = { bytes: 0, processes: 0 }
    const timer = setInterval(() => {
      const now = treeRss(child.pid)
      if (now.bytes > peak.bytes) peak = now
    }, 200)
    const progress = setInterval(() => say(`build: ${Math.round((performance.now() - started) / 1000)} s, peak so far ${Math.round(peak.bytes / 1048576)} MB`), 15_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(timer)
      clearInterval(progress)
      unregister()
      if (code === 0) resolve({ seconds: (performance.now() - started) / 1000, peakBytes: peak.bytes, peakProcesses: peak.processes })
      else reject(new Error(`turbo build failed (exit ${code}):\n${out.split('\n').slice(-30).join('\n')}`))
    })
  })
}

/** The apps a `next build` is writing now (someone else's build: it holds .next/lock while it runs). */
const building = () => ['cms', 'web'].filter((app) => fs.existsSync(path.join(root, 'apps', app, '.next', 'lock')))

export async function measureColdBuild({ register }) {
  say('build: removing apps/cms/.next and apps/web/.next, then turbo run build --force…')
  // Do not pull .next from under someone else's build: wait for it first (bounded), then clean.
  const before = async () => {
    for (let waited = 0; building().length && waited < 120; waited += 5) {
      if (waited % 15 === 0) say(`build: another build of this checkout is writing apps/${building().join(', apps/')}/.next; waiting for it…`)
      await sleep(5000)
    }
    for (const app of ['cms', 'web']) fs.rmSync(path.join(root, 'apps', app, '.next'), { recursive: true, force: true })
  }
  const r = await buildApps({ say, attempts: 8, before, build: () => coldBuild({ register }) })
  return {
    figure: `${r.seconds.toFixed(1)} s, peak ${Math.round(r.peakBytes / 1048576)} MB RSS (whole process tree)`,
    target: 'reported (no target)',
    met: null,
    data: { seconds: r.seconds, peakRssMB: Math.round(r.peakBytes / 1048576), peakProcesses: r.peakProcesses },
  }
}
