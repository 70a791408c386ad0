#!/usr/bin/env node
// Runs `npm start` as a newcomer would (no DATABASE_URL: embedded PostgreSQL, in a fresh data
// folder of its own, .runsense/ci-smoke-pg), checks the seed guide answers 200 with its title,
// then stops it with SIGINT to its process group (a terminal's Ctrl-C) and checks it exits
// cleanly within 30 s. Its output: .runsense/logs/ci-smoke/npm-start.log.
import fs from 'node:fs'
import path from 'node:path'
import * as stack from './lib/stack.mjs'
import { sleep, tail } from './lib/util.mjs'

const dataDir = path.join(stack.stateDir, 'ci-smoke-pg')
const cleanups = stack.cleanupsOnExit({ exitCode: 1 })
const failures = []
try {
  fs.rmSync(dataDir, { recursive: true, force: true })
  cleanups.add(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  fs.rmSync(path.join(stack.logDir(), 'npm-start.log'), { force: true }) // only this run's lines are read
  const start = stack.startProcess('npm-start', 'npm', ['start'], { cwd: stack.root, env: { EMBEDDED_PG_DIR: dataDir }, detached: true })
  // npm passes the SIGINT on to `node scripts/start.mjs` (which exits 0) and then ends by it.
  const exited = new Promise((resolve) => start.child.once('exit', (code, signal) => resolve(signal === 'SIGINT' ? 0 : code)))
  const stop = () => (start.isAlive() && process.kill(-start.child.pid, 'SIGINT'), Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]))
  cleanups.add(async () => (await stop()) === 'timeout' && start.isAlive() && process.kill(-start.child.pid, 'SIGKILL')) // also on Ctrl-C of the smoke

  for (const deadline = Date.now() + 10 * 60_000; start.isAlive() && Date.now() < deadline && !tail(start.logFile, 40).includes('Runsense is running');) await sleep(500)
  const res = await fetch(`http://localhost:${process.env.SITE_PORT || 3000}/guides/returning-to-running-after-an-injury`).catch((err) => ({
    status: err.cause?.code || err.message,
    text: async () => '',
  }))
  const titled = res.status === 200 && (await res.text()).includes('Returning to Running After an Injury')
  console.log(`guide page: ${res.status}, title ${titled ? 'found' : 'MISSING'}`)
  if (!titled) failures.push('the guide page did not answer with the seed title')
  const code = await stop()
  console.log(tail(start.logFile, 12))
  if (code !== 0) failures.push(code === 'timeout' ? 'npm start did not stop within 30 s of SIGINT' : `npm start exited with ${code} after SIGINT`)
} catch (err) {
  failures.push(err.message)
} finally {
  await cleanups.runAll()
}
for (const f of failures) console.error(`smoke check failed: ${f}`)
console.log(`smoke: ${failures.length ? 0 : 1} passed, ${failures.length ? 1 : 0} failed`)
process.exit(failures.length ? 1 : 0)
