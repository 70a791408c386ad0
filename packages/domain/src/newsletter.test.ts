import { describe, expect, it } from 'vitest'
import { MAX_DELIVERY_ATTEMPTS, afterSoftBounce, decideIssueAction, inboxPreview, parseMailEvents, parseSendBody, progressOf, retryDelaySeconds } from './newsletter'
import { EXEMPT_NOTICES } from './signed-content'

describe('decideIssueAction', () => {
  it('refuses anonymous (401) and reviewers (403) whatever the status', () => {
    expect(decideIssueAction(null, 'send', 'draft')).toMatchObject({ ok: false, status: 401 })
    for (const action of ['send', 'schedule', 'cancel', 'test'] as const) {
      expect(decideIssueAction('reviewer', action, 'draft')).toMatchObject({ ok: false, status: 403 })
    }
  })
  it('lets editors and admins send a draft or scheduled issue once (409 after)', () => {
    for (const role of ['editor', 'admin'] as const) {
      expect(decideIssueAction(role, 'send', 'draft')).toEqual({ ok: true })
      expect(decideIssueAction(role, 'send', 'scheduled')).toEqual({ ok: true })
      for (const s of ['sending', 'sent', 'cancelled'] as const) expect(decideIssueAction(role, 'send', s)).toMatchObject({ ok: false, status: 409 })
    }
  })
  it('cancels only what is scheduled or sending', () => {
    expect(decideIssueAction('editor', 'cancel', 'sending')).toEqual({ ok: true })
    expect(decideIssueAction('editor', 'cancel', 'draft')).toMatchObject({ ok: false, status: 409 })
    expect(decideIssueAction('editor', 'cancel', 'sent')).toMatchObject({ ok: false, status: 409 })
  })
})

describe('parseSendBody', () => {
  const now = new Date('2026-12-01T00:00:00Z')
  it('sends now on {} and schedules a future time', () => {
    expect(parseSendBody({}, now)).toEqual({ ok: true, at: null })
    expect(parseSendBody({ at: '2026-12-02T07:00:00Z' }, now)).toEqual({ ok: true, at: new Date('2026-12-02T07:00:00Z') })
  })
  it('refuses a past or malformed time with a sentence', () => {
    expect(parseSendBody({ at: '2026-11-30T00:00:00Z' }, now)).toMatchObject({ ok: false, error: expect.stringMatching(/future/) })
    expect(parseSendBody({ at: 'tomorrow' }, now)).toMatchObject({ ok: false, error: expect.stringMatching(/ISO/) })
    expect(parseSendBody([1], now)).toMatchObject({ ok: false })
  })
})

describe('parseMailEvents', () => {
  it('takes one event or a batch, normalising addresses', () => {
    const one = parseMailEvents({ email: ' A@Example.com ', type: 'hard_bounce' })
    expect(one).toMatchObject({ ok: true, events: [{ email: 'a@example.com', type: 'hard_bounce' }] })
    const batch = parseMailEvents([
      { email: 'a@example.com', type: 'complaint', at: '2026-12-01T00:00:00Z' },
      { email: 'b@example.com', type: 'soft_bounce' },
    ])
    expect(batch.ok && batch.events.map((e) => e.type)).toEqual(['complaint', 'soft_bounce'])
  })
  it('refuses the whole batch when one event is bad, naming it', () => {
    expect(
      parseMailEvents([
        { email: 'a@example.com', type: 'hard_bounce' },
        { email: 'nope', type: 'hard_bounce' },
      ]),
    ).toEqual({ ok: false, error: 'Event 2: "email" must be an email address.' })
    expect(parseMailEvents({ email: 'a@example.com', type: 'opened' })).toMatchObject({ ok: false, error: expect.stringMatching(/"type" must be one of/) })
    expect(parseMailEvents([])).toMatchObject({ ok: false })
    expect(parseMailEvents('x')).toMatchObject({ ok: false })
  })
})

describe('progress and retries', () => {
  it('counts recipients as every row and remaining as queued plus claimed', () => {
    expect(progressOf('sending', { sent: 5, queued: 3, claimed: 2, failed: 1, suppressed: 1, cancelled: 0 })).toEqual({
      status: 'sending',
      recipients: 12,
      sent: 5,
      failed: 1,
      suppressed: 1,
      cancelled: 0,
      remaining: 5,
    })
  })
  it('adds up for a cancelled send: the stopped deliveries are counted, nothing remains', () => {
    const p = progressOf('cancelled', { sent: 40, failed: 1, suppressed: 2, cancelled: 257 })
    expect(p).toMatchObject({ recipients: 300, cancelled: 257, remaining: 0 })
    expect(p.sent + p.failed + p.suppressed + p.cancelled + p.remaining).toBe(p.recipients)
  })
  it('retries a soft bounce while the send goes on, and fails it after the last attempt or once the send was cancelled', () => {
    expect(afterSoftBounce(1, 'sent')).toEqual({ retryInSeconds: 30 })
    expect(afterSoftBounce(2, 'sending')).toEqual({ retryInSeconds: 60 })
    expect(afterSoftBounce(MAX_DELIVERY_ATTEMPTS, 'sent')).toEqual({ failed: expect.stringMatching(/gave up/) })
    expect(afterSoftBounce(1, 'cancelled')).toEqual({ failed: expect.stringMatching(/cancelled/) })
  })
  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3].map(retryDelaySeconds)).toEqual([30, 60, 120])
    expect(retryDelaySeconds(20)).toBe(3600)
  })
})

describe('inboxPreview', () => {
  const featured = { title: 'Returning to Running After an Injury', summary: '', url: '', reviewer: null, lastReviewedAt: null }
  it("opens with the fixed marker, then the editors' preheader", () => {
    expect(inboxPreview({ preheader: 'Run through the pain', featured })).toBe(`${EXEMPT_NOTICES.inboxPreview} Run through the pain`)
  })
  it("falls back to the featured guide's signed title, so mail apps never show the intro first", () => {
    expect(inboxPreview({ preheader: '   ', featured })).toBe(`${EXEMPT_NOTICES.inboxPreview} ${featured.title}`)
  })
})
