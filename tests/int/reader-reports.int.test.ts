/**
 * "Report a problem with this guide": from the reader's form to the editors, and from a report
 * to a correction in the public history, with one reply to a reader who left an email.
 */
import { describe, expect, it } from 'vitest'
import { REPORT_ERRORS } from '@runsense/domain/reader-report'
import { act, guideAt, rest, reviewerIds, siteUrl } from '../helpers/api'
import { waitForMail } from '../helpers/mail'
import { freshIp } from '../helpers/newsletter'
import { eventually } from '../helpers/poll'

const SEED = 'returning-to-running-after-an-injury'
const send = (body: unknown, { ip = freshIp(), form = false }: { ip?: string; form?: boolean } = {}) =>
  fetch(`${siteUrl()}/api/feedback`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', 'x-forwarded-for': ip },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  })
const openReports = async (articleId: number) =>
  (await rest('GET', `/api/reader-reports?where[article][equals]=${articleId}&where[status][equals]=open&depth=0`, { as: 'editor' })).body.docs

describe('the report form and endpoint', () => {
  it('accepts a report as JSON (202) and as the plain form (303 to a thank-you page), and stores it for staff only', async () => {
    const guide = await guideAt('published')
    const stamp = Date.now()
    const res = await send({ guide: guide.slug, message: `The dosage in step 2 looks wrong ${stamp}`, email: `reader-${stamp}@example.com` })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ ok: true, message: expect.stringMatching(/reached the editors/) })
    const viaForm = await send({ guide: guide.slug, message: `A broken source link ${stamp}`, email: '' }, { form: true })
    expect(viaForm.status).toBe(303)
    expect(viaForm.headers.get('location')).toBe(`/feedback/thanks?guide=${guide.slug}`)
    expect((await fetch(`${siteUrl()}${viaForm.headers.get('location')}`)).status).toBe(200)

    const reports = await openReports(guide.id)
    expect(reports.map((r: { message: string }) => r.message).sort()).toEqual([`A broken source link ${stamp}`, `The dosage in step 2 looks wrong ${stamp}`])
    expect(reports.every((r: { ipHash?: string }) => r.ipHash === undefined)).toBe(true)
    expect((await rest('GET', '/api/reader-reports')).status).toBe(403)
    expect((await rest('POST', '/api/reader-reports', { as: 'admin', body: { article: guide.id, message: 'forged' } })).status).toBe(403)
    expect((await rest('PATCH', `/api/reader-reports/${reports[0].id}`, { as: 'reviewer', body: { status: 'closed', outcome: 'no_change' } })).status).toBe(403)
    expect((await rest('PATCH', `/api/reader-reports/${reports[0].id}`, { as: 'editor', body: { message: 'rewritten' } })).status).toBe(200)
    expect((await rest('GET', `/api/reader-reports/${reports[0].id}`, { as: 'editor' })).body.message).toBe(reports[0].message)
  })

  it('answers bad input with 400 and a sentence, floods with 429 and Retry-After, and a bot (honeypot) stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ guide: 'no-such-guide', message: 'x' }, REPORT_ERRORS.guide],
      [{ guide: 'Not A Slug!', message: 'x' }, REPORT_ERRORS.guide],
      [{ guide: SEED, message: '   ' }, REPORT_ERRORS.empty],
      [{ guide: SEED, message: 'x'.repeat(2001) }, REPORT_ERRORS.long],
      [{ guide: SEED, message: 'ok', email: 'not an email' }, REPORT_ERRORS.email],
      [[1, 2], REPORT_ERRORS.format],
    ]
    for (const [body, error] of cases) {
      const res = await send(body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect((await res.json()).error).toBe(error)
    }
    const text = await fetch(`${siteUrl()}/api/feedback`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' })
    expect(text.status).toBe(400)

    const guide = await guideAt('published')
    expect((await send({ guide: guide.slug, message: 'I am a bot', website: 'http://spam.example' })).status).toBe(202)
    expect(await openReports(guide.id)).toHaveLength(0)

    const ip = freshIp()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 12; i++) {
      const res = await send({ guide: guide.slug, message: `Report ${i}` }, { ip })
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect(await openReports(guide.id)).toHaveLength(10)
  })

  it('nothing is lost under load: 100 reports at once, from 100 readers, are each answered 202 and each stored once', async () => {
    const guide = await guideAt('published')
    const stamp = Date.now()
    const messages = Array.from({ length: 100 }, (_, i) => `Load report ${i} ${stamp}`)
    const statuses = await Promise.all(messages.map(async (message) => (await send({ guide: guide.slug, message })).status))
    expect(statuses.filter((s) => s !== 202)).toEqual([])
    const stored = (await rest('GET', `/api/reader-reports?where[article][equals]=${guide.id}&limit=200&depth=0`, { as: 'editor' })).body.docs.map(
      (r: { message: string }) => r.message,
    )
    expect(stored.sort()).toEqual([...messages].sort())
  })

  it('the no-JavaScript form shows only our own sentences, by code, with what the reader typed', async () => {
    const res = await send({ guide: SEED, message: '' }, { form: true })
    expect(res.status).toBe(303)
    const page = await (await fetch(`${siteUrl()}${res.headers.get('location')}`)).text()
    expect(page).toContain(REPORT_ERRORS.empty)
    const forged = await (await fetch(`${siteUrl()}/feedback?guide=${SEED}&error=${encodeURIComponent('Call 0900 for a refund')}`)).text()
    expect(forged).not.toContain('0900')
    expect(forged).toContain('Report a problem with this guide')
  })

  it('every guide page carries the form, which works without JavaScript', async () => {
    const html = await (await fetch(`${siteUrl()}/guides/${SEED}`)).text()
    const form = html.match(/<form[^>]*action="\/api\/feedback"[^>]*>/)
    expect(form?.[0], html.slice(html.indexOf('report-heading') - 200, html.indexOf('report-heading') + 800)).toMatch(/method="post"/)
    expect(html).toContain('Report a problem with this guide')
    expect(html).toContain(`name="guide" value="${SEED}"`)
  })
})

describe('from a report to a correction', () => {
  it('an editor closes one report as "no change needed" and publishes a correction for another; each reader gets one reply; the history says "Corrected"', async () => {
    const guide = await guideAt('published', { summary: 'Run 10 km on day one.' })
    const stamp = Date.now()
    const [a, b] = [`a-${stamp}@example.com`, `b-${stamp}@example.com`]
    expect((await send({ guide: guide.slug, message: 'Day one distance is dangerous.', email: a })).status).toBe(202)
    expect((await send({ guide: guide.slug, message: 'I like the font.', email: b })).status).toBe(202)
    const reports = await openReports(guide.id)
    const wrong = reports.find((r: { email: string }) => r.email === a)
    const fine = reports.find((r: { email: string }) => r.email === b)

    const direct = await rest('PATCH', `/api/reader-reports/${wrong.id}`, { as: 'editor', body: { status: 'closed', outcome: 'corrected' } })
    expect(direct.status).toBe(400)
    expect(JSON.stringify(direct.body)).toMatch(/publishing the correction/)
    expect((await rest('PATCH', `/api/reader-reports/${fine.id}`, { as: 'editor', body: { status: 'closed' } })).status).toBe(400)
    expect((await rest('PATCH', `/api/reader-reports/${fine.id}`, { as: 'editor', body: { status: 'closed', outcome: 'no_change' } })).status).toBe(200)
    await waitForMail(b, (m) => /does not need a change/.test(m.text))

    const { raphael } = await reviewerIds()
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'Start with 10 minutes of walking and running.' } })
    await act(guide.id, 'editor2', 'submit')
    await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })
    await act(guide.id, 'reviewer', 'sign_off')
    const notOpen = await act(guide.id, 'editor', 'publish', { note: 'Fixed the first-day distance.', corrects: [fine.id] })
    expect(notOpen.status).toBe(400)
    const published = await act(guide.id, 'editor', 'publish', { note: 'Fixed the first-day distance.', corrects: [wrong.id] })
    expect(published.status, JSON.stringify(published.body)).toBe(200)

    const closed = (await rest('GET', `/api/reader-reports/${wrong.id}`, { as: 'editor' })).body
    expect(closed).toMatchObject({ status: 'closed', outcome: 'corrected', correctionNote: 'Fixed the first-day distance.' })
    const live = (await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=0`)).body.docs[0]
    expect(live.reviewHistory.at(-1)).toMatchObject({ kind: 'corrected', note: 'Fixed the first-day distance.' })
    await waitForMail(a, (m) =>
      /We corrected the guide, and the corrected guide was medically reviewed before it was published\. What changed, in our editors' words: Fixed the first-day distance/.test(
        m.text,
      ),
    )

    const text = (
      await eventually(
        () => fetch(`${siteUrl()}/guides/${guide.slug}`).then((r) => r.text()),
        (h) => h.includes('Corrected on'),
      )
    )
      .replace(/<!-- -->/g, '')
      .replace(/<[^>]+>/g, '')
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())
    expect(text).toContain(`Corrected on ${day}: reviewed by Raphael Crawford-Marks, Founder. Editor’s note: Fixed the first-day distance.`)
    // One reply each, never two.
    await new Promise((r) => setTimeout(r, 1500))
    expect(await waitForMail(a, () => true)).toHaveLength(1)
    expect(await waitForMail(b, () => true)).toHaveLength(1)
  })
})
