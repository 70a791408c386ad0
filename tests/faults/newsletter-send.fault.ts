/**
 * A newsletter send survives a SIGKILLed CMS and an SMTP server that goes away, by itself:
 * nobody missing, nobody sent twice except in the one documented window (SMTP accepted, the
 * process died before recording it), which is counted here. Readers who unsubscribe during a
 * send get nothing after that. The CMS sends through a real SMTP peer (scripts/lib/smtp-sink.mjs)
 * that counts messages per issue and address and checks each message's list headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSmtpSink } from '../../scripts/lib/smtp-sink.mjs'
import { FaultStack, cmsUrl, descendants, siteUrl, sleep } from './helpers'

const SINK_PORT = Number(process.env.FAULT_SINK_PORT || 1326)
const RECIPIENTS = Number(process.env.FAULT_NEWSLETTER_RECIPIENTS || 3000)
const LEASE_SECONDS = 15

let s: FaultStack
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let token = ''

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${cmsUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const v = await fn().catch(() => null)
    if (v) return v
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function newSend() {
  const [guide] = await s.query<{ id: number }>(`select id from articles where slug = 'returning-to-running-after-an-injury'`)
  const created = await api('POST', '/api/newsletter-issues', { subject: `Fault ${Date.now().toString(36)}`, featuredGuide: guide.id })
  expect(created.status).toBe(201)
  const id = created.body.doc.id as number
  const expected = new Set((await s.query<{ email: string }>(`select email from subscribers where status = 'confirmed'`)).map((r) => r.email))
  const sent = await api('POST', `/api/newsletter-issues/${id}/send`, {})
  expect(sent).toMatchObject({ status: 202, body: { status: 'sending', recipients: expected.size } })
  return { id, expected }
}

const progress = async (id: number) => (await api('GET', `/api/newsletter-issues/${id}/progress`)).body

beforeAll(async () => {
  sink = await startSmtpSink({ port: SINK_PORT })
  s = await FaultStack.start('newsletter')
  // Issues go to the counting sink, unthrottled, with a short lease so a dead worker's rows come back soon.
  await s.stopCms()
  Object.assign(s.env, { NEWSLETTER_SMTP_URL: sink.url, NEWSLETTER_LEASE_SECONDS: String(LEASE_SECONDS), NEWSLETTER_RATE_PER_SECOND: '0' })
  await s.startCms()
  await s.query(
    `insert into subscribers (email, status, consent_confirmed_at, updated_at, created_at)
     select 'fault-' || g || '@example.com', 'confirmed', now(), now(), now() from generate_series(1, $1::int) g`,
    [RECIPIENTS],
  )
  const login = await fetch(`${cmsUrl}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'editor@runsense.local', password: process.env.SEED_PASSWORD || 'runsense-demo-2026' }),
  })
  token = ((await login.json()) as { token: string }).token
})

afterAll(async () => {
  await s?.stop()
  await sink?.stop()
})

describe('newsletter sending under faults', () => {
  it('resumes after the CMS is SIGKILLed half way: nobody missing, duplicates only in the counted window', async () => {
    const { id, expected } = await newSend()
    await until('half the messages', async () => sink.acceptedFor(id) >= expected.size / 2, 120_000)
    // SIGKILL: no shutdown hook runs; the claimed rows stay claimed until their lease runs out.
    const pids = [s.cms!.child.pid!, ...descendants(s.cms!.child.pid!).map((p) => p.pid)]
    for (const pid of pids) process.kill(pid, 'SIGKILL')
    const atKill = sink.acceptedFor(id)
    await until('the CMS to be gone', async () => !s.cms!.isAlive(), 10_000)
    s.cms = undefined
    const [claimed] = await s.query<{ n: number }>(`select count(*)::int as n from newsletter_deliveries where issue_id = $1 and status = 'claimed'`, [id])

    await s.startCms()
    const done = await until('the send to finish after the restart', async () => {
      const p = await progress(id)
      return p?.status === 'sent' ? p : null
    })
    const [{ reclaimed }] = await s.query<{ reclaimed: number }>(`select count(*)::int as reclaimed from newsletter_deliveries where issue_id = $1 and reclaimed`, [id])
    const result = sink.compare(id, expected)
    console.log(
      `[newsletter SIGKILL] ${expected.size} recipients; ${atKill} accepted before the kill, ${claimed.n} rows claimed by the dead process; ` +
        `after resuming: missing ${result.missing}, duplicated ${result.duplicated} (rows re-claimed after their lease: ${reclaimed})`,
    )
    expect(done).toMatchObject({ recipients: expected.size, sent: expected.size, failed: 0, remaining: 0 })
    expect(result.missing).toBe(0)
    expect(result.unexpected).toBe(0)
    // Every duplicate is a row that was re-claimed after the dead process's lease: the window.
    expect(result.duplicated).toBeLessThanOrEqual(reclaimed)
    const dupRows = result.dupAddresses.length
      ? await s.query<{ reclaimed: boolean }>(
          `select d.reclaimed from newsletter_deliveries d join subscribers x on x.id = d.subscriber_id where d.issue_id = $1 and x.email = any($2)`,
          [id, result.dupAddresses],
        )
      : []
    expect(dupRows.every((r) => r.reclaimed)).toBe(true)
    expect(sink.problems).toEqual([])
  })

  it('waits out an SMTP outage and sends nothing to readers who unsubscribed during it', async () => {
    const { id, expected } = await newSend()
    await until('a fifth of the messages', async () => sink.acceptedFor(id) >= expected.size / 5, 120_000)
    await sink.stop()
    const downAt = Date.now()

    // During the outage, some readers still waiting for this issue unsubscribe (one-click POST).
    process.env.PAYLOAD_SECRET = s.env.PAYLOAD_SECRET
    const { unsubscribeToken } = await import('../../apps/cms/src/collections/Subscribers/tokens')
    await sleep(1000)
    const waiting = await s.query<{ id: number; email: string }>(
      `select x.id, x.email from newsletter_deliveries d join subscribers x on x.id = d.subscriber_id
       where d.issue_id = $1 and d.status = 'queued' order by d.id desc limit 25`,
      [id],
    )
    expect(waiting.length).toBe(25)
    for (const w of waiting) {
      const res = await fetch(`${siteUrl}/newsletter/unsubscribe?token=${encodeURIComponent(unsubscribeToken(w.id))}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      })
      expect(res.status).toBe(303)
    }

    // Still sending, nothing lost, while SMTP is down for 15 s.
    await sleep(Math.max(0, 15_000 - (Date.now() - downAt)))
    const during = await progress(id)
    expect(during).toMatchObject({ status: 'sending', failed: 0 })
    expect(during.remaining).toBeGreaterThan(0)
    await sink.start()

    const done = await until('the send to finish after SMTP is back', async () => {
      const p = await progress(id)
      return p?.status === 'sent' ? p : null
    })
    const unsubscribed = new Set(waiting.map((w) => w.email))
    const stillWanted = new Set([...expected].filter((e) => !unsubscribed.has(e)))
    const result = sink.compare(id, stillWanted)
    const toUnsubscribed = waiting.filter((w) => (sink.perAddress.get(`${id}:${w.email}`) ?? 0) > 0).length
    console.log(
      `[newsletter SMTP down] ${expected.size} recipients, 25 unsubscribed mid-send: missing ${result.missing}, duplicated ${result.duplicated}, sent to the unsubscribed ${toUnsubscribed}`,
    )
    expect(done).toMatchObject({ recipients: expected.size, sent: expected.size - 25, suppressed: 25, failed: 0, remaining: 0 })
    expect(result.missing).toBe(0)
    expect(toUnsubscribed).toBe(0)
    // A message the server accepted as its connection was cut can be resent: at most one per connection.
    expect(result.duplicated).toBeLessThanOrEqual(5)
  })
})
