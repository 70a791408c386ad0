import fs from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import { accounts, act, cmsUrl, guideAt, loginAs, rest, siteUrl } from '../helpers/api'
import { allMail, header, linkIn, mailTo, waitForMail } from '../helpers/mail'
import { confirmedReader, freshAddress, mailEvents, pressConfirm, signup, subscriber } from '../helpers/newsletter'

const SEED_GUIDE = 'returning-to-running-after-an-injury'
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL })
db.on('error', () => {})
afterAll(() => db.end())

async function guideId(slug: string) {
  const res = await rest('GET', `/api/articles?where[slug][equals]=${slug}&depth=0`)
  return res.body.docs[0].id as number
}

let n = 0
async function newIssue(featuredGuide: number, extra: Record<string, unknown> = {}) {
  const subject = `Issue ${Date.now().toString(36)}-${++n}`
  const res = await rest('POST', '/api/newsletter-issues', { as: 'editor', body: { subject, intro: 'Hello runners.\n\nThis week: coming back well.', featuredGuide, ...extra } })
  expect(res.status).toBe(201)
  return res.body.doc as { id: number; slug: string; subject: string; status: string }
}

async function waitForStatus(id: number, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  let last: any
  while (Date.now() < deadline) {
    last = (await rest('GET', `/api/newsletter-issues/${id}/progress`, { as: 'editor' })).body
    if (last.status === status) return last
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`issue ${id} did not reach ${status}: ${JSON.stringify(last)}`)
}

describe('sending an issue to every confirmed subscriber', () => {
  let confirmed: string[] = []
  let pending: string
  let unsubscribed: string
  let bounced: string
  let seedGuide: number

  beforeAll(async () => {
    seedGuide = await guideId(SEED_GUIDE)
    confirmed = await Promise.all([confirmedReader('nl-a'), confirmedReader('nl-b'), confirmedReader('nl-c')])
    pending = freshAddress('nl-pending')
    expect((await signup({ email: pending })).status).toBe(202)
    unsubscribed = await confirmedReader('nl-unsub')
    await db.query(`update subscribers set status = 'unsubscribed', unsubscribed_at = now() where email = $1`, [unsubscribed])
    bounced = await confirmedReader('nl-bounced')
    expect(await mailEvents({ email: bounced, type: 'hard_bounce' })).toMatchObject({ status: 200, body: { suppressed: 1 } })
  })

  it('refuses anonymous (401) and reviewers (403) on every action, and lets staff read progress', async () => {
    const issue = await newIssue(seedGuide)
    for (const path of ['send', 'test', 'cancel']) {
      expect((await rest('POST', `/api/newsletter-issues/${issue.id}/${path}`, { body: {} })).status).toBe(401)
      expect((await rest('POST', `/api/newsletter-issues/${issue.id}/${path}`, { as: 'reviewer', body: {} })).status).toBe(403)
    }
    expect((await rest('GET', `/api/newsletter-issues/${issue.id}/progress`)).status).toBe(401)
    expect((await rest('GET', `/api/newsletter-issues/${issue.id}/progress`, { as: 'reviewer' })).body.status).toBe('draft')
    // Reviewers cannot create or edit issues either; readers cannot see drafts.
    expect((await rest('POST', '/api/newsletter-issues', { as: 'reviewer', body: { subject: 'x', featuredGuide: seedGuide } })).status).toBe(403)
    expect((await rest('PATCH', `/api/newsletter-issues/${issue.id}`, { as: 'reviewer', body: { subject: 'changed' } })).status).toBe(403)
    expect((await rest('GET', `/api/newsletter-issues/${issue.id}`)).status).toBe(404)
    expect((await rest('GET', '/api/newsletter-issues')).body.docs).toEqual([])
    // Status is the server's: an editor cannot mark an issue sent.
    await rest('PATCH', `/api/newsletter-issues/${issue.id}`, { as: 'editor', body: { status: 'sent' } })
    expect((await rest('GET', `/api/newsletter-issues/${issue.id}`, { as: 'editor' })).body.status).toBe('draft')
  })

  it('sends a test to the caller only', async () => {
    const issue = await newIssue(seedGuide)
    const res = await rest('POST', `/api/newsletter-issues/${issue.id}/test`, { as: 'editor', body: {} })
    expect(res.status).toBe(202)
    const [mail] = await waitForMail(accounts.editor, (m) => m.subject === `[Test] ${issue.subject}`)
    expect(mail.text).toContain('Returning to Running After an Injury')
    for (const email of confirmed) expect((await mailTo(email)).filter((m) => m.subject.includes(issue.subject))).toEqual([])

    // Every link a staff member may click in the test copy lands on a real page: the issue is not
    // sent, so its web version (a 404 until then) is not linked; the copy says so and links the
    // issue in the CMS, which answers the staff member (here: the sign-in page, then the issue).
    const html = await (await fetch(`${process.env.MAIL_API_URL}/api/email/${mail.id}/html`)).text()
    expect(mail.text).not.toContain(`/newsletter/issues/${issue.slug}`)
    expect(html).not.toContain(`/newsletter/issues/${issue.slug}`)
    expect(mail.text).toContain('Test copy: the web version opens to readers when the issue is sent.')
    const links = [...new Set([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&')).filter((u) => u.startsWith('http')))]
    expect(links).toContain(`${cmsUrl()}/admin/collections/newsletter-issues/${issue.id}`)
    for (const url of links) expect([url, (await fetch(url)).status]).toEqual([url, 200])
  })

  it('delivers exactly one to each confirmed subscriber and none to pending, unsubscribed or suppressed', async () => {
    const preheader = 'Come back slower than you want to'
    const issue = await newIssue(seedGuide, { preheader })
    const eligible = Number((await db.query(`select count(*) from subscribers where status = 'confirmed'`)).rows[0].count) - 1 // the bounced one
    const sent = await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: {} })
    expect(sent.status).toBe(202)
    expect(sent.body).toEqual({ status: 'sending', recipients: eligible })
    // Twice: refused, nothing doubled.
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'admin', body: {} })).status).toBe(409)

    const done = await waitForStatus(issue.id, 'sent')
    expect(done).toMatchObject({ recipients: eligible, sent: eligible, failed: 0, remaining: 0 })

    const ofIssue = (m: { subject: string }) => m.subject === issue.subject
    const messageIds = new Set<string>()
    for (const email of confirmed) {
      const got = (await mailTo(email)).filter(ofIssue)
      expect(got).toHaveLength(1)
      const mail = got[0]
      expect(mail.text).toContain('Returning to Running After an Injury')
      expect(mail.text).toMatch(/Reviewed by Raphael Crawford-Marks, Founder · Last reviewed \w+ \d{1,2}, \d{4}/)
      expect(mail.text).toMatch(/confirmed on \w+ \d{1,2}, \d{4}/)
      expect(mail.text).toContain(`${siteUrl()}/guides/${SEED_GUIDE}`)
      const listUnsubscribe = (await header(mail, 'List-Unsubscribe'))!
      expect(listUnsubscribe).toMatch(/^<https?:\/\/[^>]+\/newsletter\/unsubscribe\?token=[^>]+>, <mailto:[^>]+>$/)
      expect(await header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
      expect(await header(mail, 'List-Id')).toMatch(/^Runsense weekly guide <weekly\.[^>]+>$/)
      messageIds.add((await header(mail, 'Message-ID'))!)
      // No remote images or tracking pixels.
      const raw = await (await fetch(`${process.env.MAIL_API_URL}/api/email/${mail.id}/source`)).text()
      expect(raw).not.toMatch(/<img/i)
      // The inbox preview line beside the subject: the editors' preheader only after the fixed marker.
      const html = await (await fetch(`${process.env.MAIL_API_URL}/api/email/${mail.id}/html`)).text()
      expect(/<div[^>]*display:none[^>]*>([^<]*)/.exec(html)?.[1]).toBe(`${EXEMPT_NOTICES.inboxPreview} ${preheader}`)
    }
    expect(messageIds.size).toBe(confirmed.length)
    for (const email of [pending, unsubscribed, bounced]) expect((await mailTo(email)).filter(ofIssue)).toEqual([])

    // The personal one-click unsubscribe (RFC 8058) from the header works without a page.
    const [first] = (await mailTo(confirmed[0])).filter(ofIssue)
    const url = (await header(first, 'List-Unsubscribe'))!.match(/^<([^>]+)>/)![1]
    const oneClick = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(oneClick.status).toBe(303)
    expect((await subscriber(confirmed[0]))!.status).toBe('unsubscribed')

    // The public web version: plain HTML, listed on /newsletter; drafts are not there.
    const web = await fetch(`${siteUrl()}/newsletter/issues/${issue.slug}`)
    expect(web.status).toBe(200)
    const html = await web.text()
    expect(html).toContain(`<h1 class="page-title">${issue.subject}</h1>`)
    // Search results show the <head> without the page's exempt notice: only the featured guide's signed words are there.
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head).toMatch(/<title[^>]*>The weekly guide: Returning to Running After an Injury · Runsense<\/title>/)
    expect(head).not.toContain(issue.subject)
    expect(html).toContain('Reviewed by Raphael Crawford-Marks, Founder')
    expect(html).not.toMatch(/<script[^>]*src="[^"]*_next/)
    expect(html).not.toContain('unsubscribe?token=')
    expect(html).not.toContain(preheader) // an inbox line only, where its marker goes with it
    const list = await (await fetch(`${siteUrl()}/newsletter`)).text()
    expect(list).toContain(`href="/newsletter/issues/${issue.slug}"`)
    expect(list).not.toContain(preheader)
    const draft = await newIssue(seedGuide)
    expect((await fetch(`${siteUrl()}/newsletter/issues/${draft.slug}`)).status).toBe(404)

    // The send is recorded with who and when.
    const doc = (await rest('GET', `/api/newsletter-issues/${issue.id}`, { as: 'editor' })).body
    expect(doc.log.map((e: { action: string }) => e.action)).toEqual(['send', 'sent'])
    expect(doc.log[0]).toMatchObject({ byEmail: accounts.editor, at: expect.any(String) })
  })

  it('refuses a guide that is not live, or whose sign-off no longer matches its live text (422)', async () => {
    // Featured while live, then unpublished before the send.
    const unpublished = await guideAt('published')
    const notLive = await newIssue(unpublished.id)
    expect((await act(unpublished.id, 'editor', 'unpublish')).status).toBe(200)
    const res = await rest('POST', `/api/newsletter-issues/${notLive.id}/send`, { as: 'editor', body: {} })
    expect(res.status).toBe(422)
    expect(res.body.missing).toEqual([expect.stringMatching(/is not published/)])

    const live = await guideAt('published')
    const changed = await newIssue(live.id)
    // The live text changes behind the sign-off's back.
    await db.query(`update articles set summary = summary || ' (edited)' where id = $1`, [live.id])
    const refused = await rest('POST', `/api/newsletter-issues/${changed.id}/send`, { as: 'admin', body: {} })
    expect(refused.status).toBe(422)
    expect(refused.body.missing).toEqual([expect.stringMatching(/changed since its medical sign-off/)])
    expect((await rest('GET', `/api/newsletter-issues/${changed.id}/progress`, { as: 'editor' })).body.status).toBe('draft')
    expect(Number((await db.query('select count(*) from newsletter_deliveries where issue_id = $1', [changed.id])).rows[0].count)).toBe(0)
  })

  it('schedules, then cancels the schedule (a draft again, to schedule later), recording both', async () => {
    const issue = await newIssue(seedGuide)
    const at = new Date(Date.now() + 3600_000).toISOString()
    const res = await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: { at } })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ status: 'scheduled', recipients: expect.any(Number) })
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: { at: 'soon' } })).status).toBe(400)
    const cancelled = await rest('POST', `/api/newsletter-issues/${issue.id}/cancel`, { as: 'admin' })
    expect([cancelled.status, cancelled.body]).toEqual([200, { status: 'draft' }])
    // Nothing was sent: the issue is not dead, it can be edited and scheduled again.
    expect((await rest('PATCH', `/api/newsletter-issues/${issue.id}`, { as: 'editor', body: { intro: 'Edited after the schedule was cancelled.' } })).status).toBe(200)
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: { at } })).status).toBe(202)
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/cancel`, { as: 'editor' })).status).toBe(200)
    const doc = (await rest('GET', `/api/newsletter-issues/${issue.id}`, { as: 'editor' })).body
    expect(doc.status).toBe('draft')
    expect(doc.log.map((e: { action: string; byEmail: string }) => [e.action, e.byEmail])).toEqual([
      ['schedule', accounts.editor],
      ['cancel', accounts.admin],
      ['schedule', accounts.editor],
      ['cancel', accounts.editor],
    ])
    expect(Number((await db.query('select count(*) from newsletter_deliveries where issue_id = $1', [issue.id])).rows[0].count)).toBe(0)
  })

  it('starts a scheduled issue by itself when its time comes', async () => {
    const reader = await confirmedReader('nl-scheduled')
    const issue = await newIssue(seedGuide)
    const res = await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: { at: new Date(Date.now() + 2000).toISOString() } })
    expect(res.status).toBe(202)
    await waitForStatus(issue.id, 'sent', 60_000)
    await waitForMail(reader, (m) => m.subject === issue.subject)
  })
})

describe('what subscribers and editors meet while an issue goes out', () => {
  it('the web version an email links to answers as soon as the email arrives, before the whole send has finished', async () => {
    const reader = await confirmedReader('nl-web-early')
    const issue = await newIssue(await guideId(SEED_GUIDE))
    const client = await db.connect()
    try {
      expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: {} })).status).toBe(202)
      // Holding the issue's row keeps the send from being marked finished; deliveries still go out.
      await client.query('begin')
      await client.query('select 1 from newsletter_issues where id = $1 for share', [issue.id])
      const [mail] = await waitForMail(reader, (m) => m.subject === issue.subject)
      const webUrl = mail.text.match(/(https?:\/\/[^\s\]]+\/newsletter\/issues\/[^\s\]]+)/)![1]
      const web = await fetch(webUrl)
      expect((await rest('GET', `/api/newsletter-issues/${issue.id}/progress`, { as: 'editor' })).body.status).toBe('sending')
      expect(web.status).toBe(200)
      expect(await web.text()).toContain(`<h1 class="page-title">${issue.subject}</h1>`)
    } finally {
      await client.query('commit').catch(() => {})
      client.release()
    }
    await waitForStatus(issue.id, 'sent')
    expect((await fetch(`${siteUrl()}/newsletter/issues/${issue.slug}`)).status).toBe(200)
  })

  it('a scheduled send refused at its time (its guide was unpublished) goes back to draft and tells whoever scheduled it', async () => {
    const guide = await guideAt('published')
    const issue = await newIssue(guide.id)
    const at = new Date(Date.now() + 4000).toISOString()
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor2', body: { at } })).status).toBe(202)
    expect((await act(guide.id, 'editor', 'unpublish')).status).toBe(200)
    await waitForStatus(issue.id, 'draft', 60_000)
    const [mail] = await waitForMail(accounts.editor2, (m) => m.subject === `Scheduled newsletter not sent: ${issue.subject}`)
    expect(mail.text).toMatch(/is not published/)
    expect(mail.text).toMatch(/\d{1,2}:\d{2} (AM|PM) UTC/)
    expect(mail.text).toContain(`/admin/collections/newsletter-issues/${issue.id}`)
  })
})

describe('the bounce and complaint webhook', () => {
  it('refuses a missing or wrong secret (401) and bad input (400, with a sentence)', async () => {
    expect((await mailEvents({ email: 'a@example.com', type: 'hard_bounce' }, null)).status).toBe(401)
    expect((await mailEvents({ email: 'a@example.com', type: 'hard_bounce' }, 'wrong')).status).toBe(401)
    const bad = await mailEvents([
      { email: 'a@example.com', type: 'hard_bounce' },
      { email: 'b@example.com', type: 'opened' },
    ])
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/^Event 2: "type" must be one of/)
    expect((await mailEvents('not json')).status).toBe(400)
  })

  it('suppresses hard bounces and complaints for good (admins see why and when), in a batch', async () => {
    const a = freshAddress('nl-hb')
    const b = freshAddress('nl-complaint')
    const res = await mailEvents([
      { email: a, type: 'hard_bounce' },
      { email: b, type: 'complaint', at: '2026-12-01T08:00:00Z' },
    ])
    expect(res).toMatchObject({ status: 200, body: { events: 2, suppressed: 2 } })
    const list = await rest('GET', `/api/newsletter-suppressions?where[email][in]=${a},${b}&sort=email`, { as: 'admin' })
    const why = Object.fromEntries(list.body.docs.map((d: any) => [d.email, d]))
    expect(why[a]).toMatchObject({ reason: 'hard_bounce', at: expect.any(String) })
    expect(why[b]).toMatchObject({ reason: 'complaint', at: '2026-12-01T08:00:00.000Z' })
    expect((await rest('GET', '/api/newsletter-suppressions', { as: 'editor' })).status).toBe(403)
  })

  it('re-queues a soft bounce with backoff', async () => {
    const reader = await confirmedReader('nl-soft')
    const issue = await newIssue(await guideId(SEED_GUIDE))
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: {} })).status).toBe(202)
    await waitForStatus(issue.id, 'sent')
    await waitForMail(reader, (m) => m.subject === issue.subject)
    expect(await mailEvents({ email: reader, type: 'soft_bounce' })).toMatchObject({ status: 200, body: { retried: 1 } })
    const { rows } = await db.query(
      `select d.status, d.next_attempt_at > now() as later from newsletter_deliveries d join subscribers s on s.id = d.subscriber_id where s.email = $1 and d.issue_id = $2`,
      [reader, issue.id],
    )
    expect(rows).toEqual([{ status: 'queued', later: true }])
  })
})

describe('subscriber export and erasure (admins)', () => {
  it('exports everything stored about one address, and erasing keeps only a hash on the suppression list', async () => {
    const email = await confirmedReader('nl-erase')
    const sub = (await subscriber(email))!
    const issue = await newIssue(await guideId(SEED_GUIDE))
    expect((await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: {} })).status).toBe(202)
    await waitForStatus(issue.id, 'sent')
    expect(await mailEvents({ email, type: 'complaint' })).toMatchObject({ status: 200 })

    expect((await rest('GET', `/api/subscribers/${sub.id}/export`)).status).toBe(401)
    expect((await rest('GET', `/api/subscribers/${sub.id}/export`, { as: 'editor' })).status).toBe(403)
    const exported = await rest('GET', `/api/subscribers/${sub.id}/export`, { as: 'admin' })
    expect(exported.status).toBe(200)
    expect(exported.body.subscriber).toMatchObject({ email, status: 'confirmed' })
    expect(exported.body.subscriber).not.toHaveProperty('confirm_token_hash')
    expect(exported.body.newsletterDeliveries).toEqual([expect.objectContaining({ issue: issue.subject, status: 'sent' })])
    expect(exported.body.suppression).toMatchObject({ reason: 'complaint' })

    expect((await rest('DELETE', `/api/subscribers/${sub.id}`, { as: 'admin' })).status).toBe(200)
    const everywhere = await db.query(
      `select (select count(*) from subscribers where email = $1)::int as subscribers,
              (select count(*) from newsletter_suppressions where email = $1)::int as suppression_emails,
              (select count(*) from newsletter_deliveries where smtp_response like '%' || $1 || '%')::int as answers`,
      [email],
    )
    expect(everywhere.rows[0]).toEqual({ subscribers: 0, suppression_emails: 0, answers: 0 })
    const [row] = (await db.query(`select email, reason from newsletter_suppressions where email is null and reason = 'complaint' order by id desc limit 1`)).rows
    expect(row).toEqual({ email: null, reason: 'complaint' })

    // Signing up again and confirming: the complaint still holds, so no issue goes to the address.
    const again = await signup({ email })
    expect(again.status).toBe(202)
    const confirmations = await waitForMail(email, (m) => m.subject === 'Confirm your Runsense subscription', { count: 2 })
    const latest = confirmations.sort((a, b) => Date.parse(a.date) - Date.parse(b.date)).at(-1)!
    expect((await pressConfirm(linkIn(latest, '/newsletter/confirm?token='))).html).toContain('re subscribed')
    expect((await subscriber(email))!.status).toBe('confirmed')
    const next = await newIssue(await guideId(SEED_GUIDE))
    const res = await rest('POST', `/api/newsletter-issues/${next.id}/send`, { as: 'editor', body: {} })
    expect(res.status).toBe(202)
    await waitForStatus(next.id, 'sent')
    expect((await mailTo(email)).filter((m) => m.subject === next.subject)).toEqual([])
  })
})

describe('cancelling a send that is under way', () => {
  // Readers of their own, so the counts below are this send's alone; unsubscribed afterwards so the
  // sends of later tests stay small.
  const tag = `nl-cancel-${Date.now().toString(36)}`
  const RECIPIENTS = 300
  afterAll(() => db.query(`update subscribers set status = 'unsubscribed', unsubscribed_at = now() where email like $1`, [`${tag}-%`]))

  it('stops promptly (nothing started after the cancel committed, beyond one message per sender in flight), and the progress adds up with nothing remaining', async () => {
    // Every confirmed reader gets the issue: count the rest too, so the numbers below are exact.
    await db.query(
      `insert into subscribers (email, status, consent_confirmed_at, updated_at, created_at)
       select $1 || '-' || g || '@example.com', 'confirmed', now(), now(), now() from generate_series(1, $2::int) g`,
      [tag, RECIPIENTS],
    )
    const issue = await newIssue(await guideId(SEED_GUIDE))
    const started = await rest('POST', `/api/newsletter-issues/${issue.id}/send`, { as: 'editor', body: {} })
    expect(started.status).toBe(202)
    const recipients = started.body.recipients as number
    expect(recipients).toBeGreaterThanOrEqual(RECIPIENTS)
    // At the test stack's 50 messages a second, the send takes several seconds: cancel early in it.
    const sentSoFar = async () => Number((await db.query(`select count(*) from newsletter_deliveries where issue_id = $1 and status = 'sent'`, [issue.id])).rows[0].count)
    const deadline = Date.now() + 30_000
    while ((await sentSoFar()) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const cancelled = await rest('POST', `/api/newsletter-issues/${issue.id}/cancel`, { as: 'editor', body: {} })
    expect([cancelled.status, cancelled.body]).toEqual([200, { status: 'cancelled' }])
    // The cancel has committed by the time it answers.
    const [{ now: committedBy }] = (await db.query('select now()')).rows
    const atCancel = await sentSoFar()
    // At most one message per sender was still in flight when the cancel committed: 2 workers,
    // each with two senders per pooled connection (5 here). Before, every row a sender had already
    // claimed (20 at a time) still went out: all of them, here.
    const lanes = 2 * 2 * 5
    // Enough was left that a send ignoring the cancel would show.
    expect(recipients - atCancel).toBeGreaterThan(3 * lanes)

    // Settled: nothing queued or in flight, and the count stays put.
    let p: any
    const settle = Date.now() + 30_000
    do {
      await new Promise((r) => setTimeout(r, 500))
      p = (await rest('GET', `/api/newsletter-issues/${issue.id}/progress`, { as: 'editor' })).body
    } while (p.remaining > 0 && Date.now() < settle)
    await new Promise((r) => setTimeout(r, 6000)) // a watcher tick and more: nothing resumes the send
    p = (await rest('GET', `/api/newsletter-issues/${issue.id}/progress`, { as: 'editor' })).body
    expect(p).toMatchObject({ status: 'cancelled', recipients, remaining: 0 })
    expect(p.sent + p.failed + p.suppressed + p.cancelled + p.remaining).toBe(recipients)
    expect(p.cancelled).toBeGreaterThanOrEqual(recipients - atCancel - lanes)
    const after = Number(
      (await db.query(`select count(*) from newsletter_deliveries where issue_id = $1 and status = 'sent' and sent_at > $2`, [issue.id, committedBy])).rows[0].count,
    )
    expect(after).toBeLessThanOrEqual(lanes)
    // What the mail catcher got is exactly what is recorded as sent.
    const got = (await allMail()).filter((m) => m.subject === issue.subject)
    expect(got).toHaveLength(p.sent)
    const [{ n: batches }] = (
      await db.query(`select count(*)::int as n from payload_jobs where task_slug = 'newsletterBatch' and completed_at is null and (input->>'issue')::int = $1`, [issue.id])
    ).rows
    expect(batches).toBe(0)

    // A soft bounce on the cancelled send: failed at once, never queued again (nothing would send it).
    const [{ email }] = (
      await db.query(`select s.email from newsletter_deliveries d join subscribers s on s.id = d.subscriber_id where d.issue_id = $1 and d.status = 'sent' limit 1`, [issue.id])
    ).rows
    expect(await mailEvents({ email, type: 'soft_bounce' })).toMatchObject({ status: 200, body: { retried: 0, failed: 1 } })
    const bounced = (await rest('GET', `/api/newsletter-issues/${issue.id}/progress`, { as: 'editor' })).body
    expect(bounced).toMatchObject({ status: 'cancelled', remaining: 0, sent: p.sent - 1, failed: p.failed + 1 })
    expect(bounced.sent + bounced.failed + bounced.suppressed + bounced.cancelled + bounced.remaining).toBe(recipients)
  })
})

describe('the newsletter watcher (newsletterWatch job, every 5 s)', () => {
  it('handles every issue even when one throws, fails one job per distinct error for the desk, and logs it once, not every tick', async () => {
    const guide = await guideId(SEED_GUIDE)
    const broken = await newIssue(guide)
    const fine = await newIssue(guide)
    expect(broken.id).toBeLessThan(fine.id) // the broken one comes first in the watcher's order
    // Both "sending" with nothing left to deliver (their batch jobs died before closing them):
    // only the watcher closes them. Closing the first fails: Postgres refuses any update of its row.
    // One transaction, so that no tick sees the issues sending before the refusal is in place.
    const logFile = process.env.CMS_LOG_FILE!
    const logFrom = fs.statSync(logFile).size
    const setup = await db.connect()
    try {
      await setup.query('begin')
      await setup.query(`update newsletter_issues set status = 'sending', started_at = now() where id in ($1, $2)`, [broken.id, fine.id])
      await setup.query(`create or replace function nl_watch_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'closing refused for the test'; end $$`)
      await setup.query(
        `create trigger nl_watch_test_refuse before update on newsletter_issues for each row when (old.id = ${Number(broken.id)}) execute function nl_watch_test_refuse()`,
      )
      await setup.query('commit')
    } catch (err) {
      await setup.query('rollback')
      throw err
    } finally {
      setup.release()
    }
    const said = () => fs.readFileSync(logFile, 'utf8').slice(logFrom).split(`Newsletter ${broken.id}: its finished send could not be closed`).length - 1
    const deadJobs = async () =>
      Number(
        (
          await db.query(`select count(*) from payload_jobs where task_slug = 'newsletterWatch' and has_error and error->>'message' like $1`, [
            `%Newsletter ${broken.id}: its finished send could not be closed: closing refused for the test%`,
          ])
        ).rows[0].count,
      )
    try {
      // The other issue is closed all the same.
      await waitForStatus(fine.id, 'sent', 30_000)
      // The failure is a failed job, which the desk's "Background jobs" lists with its error.
      const deadline = Date.now() + 30_000
      while ((await deadJobs()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
      expect(await deadJobs()).toBe(1)
      const desk = await fetch(`${cmsUrl()}/admin/desk`, { headers: { authorization: `JWT ${await loginAs('admin')}` } })
      expect(await desk.text()).toContain(`Newsletter ${broken.id}: its finished send could not be closed: closing refused for the test`)
      const once = said()
      expect(once).toBeGreaterThan(0)
      // Three more ticks fail the same way: no new failed job, no new log lines.
      await new Promise((r) => setTimeout(r, 16_000))
      expect(await deadJobs()).toBe(1)
      expect(said()).toBe(once)
      expect((await rest('GET', `/api/newsletter-issues/${broken.id}/progress`, { as: 'editor' })).body.status).toBe('sending')
    } finally {
      await db.query('drop trigger if exists nl_watch_test_refuse on newsletter_issues')
      await db.query('drop function if exists nl_watch_test_refuse()')
    }
    // Fixed: the next tick closes it.
    await waitForStatus(broken.id, 'sent', 30_000)
  })
})
