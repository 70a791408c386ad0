// Row 7, the cold build: time and peak RSS of the whole process tree (bench/README.md says how).
import fs from 'node:fs'
import path from 'node:path'
import { buildApps, root, startProcess } from '../lib/stack.mjs'
import { tail } from '../lib/util.mjs'
import { say, sleep, treeRss } from './util.mjs'

/** Runs turbo build --force (its output in the run's cold-build.log); resolves { seconds, peakBytes, peakProcesses } or rejects with the log's end. */
async function coldBuild({ register }) {
  const started = performance.now()
  const turbo = path.join(root, 'node_modules/turbo/bin/turbo')
  const build = startProcess('cold-build', process.execPath, [turbo, 'run', 'build', '--output-logs=errors-only', '--force'], {
    cwd: root,
    env: { NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' },
  })
  const exited = new Promise((resolve) => build.child.once('exit', resolve))
  const unregister = register(build.stop)
  let peak = { bytes: 0, processes: 0 }
  const timer = setInterval(() => {
    const now = treeRss(build.child.pid)
    if (now.bytes > peak.bytes) peak = now
  }, 200)
  const progress = setInterval(() => say(`build: ${Math.round((performance.now() - started) / 1000)} s, peak so far ${Math.round(peak.bytes / 1048576)} MB`), 15_000)
  const code = await exited.finally(() => [timer, progress].forEach(clearInterval))
  unregister()
  if (code !== 0) throw new Error(`turbo build failed (exit ${code}):\n${tail(build.logFile, 30)}`)
  return { seconds: (performance.now() - started) / 1000, peakBytes: peak.bytes, peakProcesses: peak.processes }
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
    data: { seconds: r.seconds, peakRssMB: Math.round(r.peakBytes / 1048576), peakProcesses: r.peakProcesses },
  }
}
