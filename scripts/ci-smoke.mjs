#!/usr/bin/env node
// Runs `npm start` as a newcomer would (no DATABASE_URL: embedded PostgreSQL), checks the
// seed guide answers 200 with its title, then stops it with SIGINT and checks it exits cleanly.
import { spawn } from 'node:child_process'

const site = `http://localhost:${process.env.SITE_PORT || 3000}`
const child = spawn('npm', ['start'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
let out = ''
child.stdout.on('data', (d) => (out += d))
child.stderr.on('data', (d) => (out += d))
const exited = new Promise((r) => child.on('exit', (code) => r(code)))

const deadline = Date.now() + 10 * 60_000
let ok = false
while (Date.now() < deadline && child.exitCode === null) {
  if (out.includes('Runsense is running')) {
    const res = await fetch(`${site}/guides/returning-to-running-after-an-injury`)
    const html = await res.text()
    ok = res.status === 200 && html.includes('Returning to Running After an Injury')
    console.log(`guide page: ${res.status}, title ${ok ? 'found' : 'MISSING'}`)
    break
  }
  await new Promise((r) => setTimeout(r, 500))
}
process.kill(-child.pid, 'SIGINT')
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))])
console.log(out.split('\n').slice(-12).join('\n'))
if (code === 'timeout') {
  process.kill(-child.pid, 'SIGKILL')
  console.error('npm start did not stop within 30 s of SIGINT')
  process.exit(1)
}
if (!ok) {
  console.error('smoke check failed: the guide page did not answer with the seed title')
  process.exit(1)
}
console.log('smoke: 1 passed, 0 failed')
