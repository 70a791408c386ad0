import { describe, expect, it } from 'vitest'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import { verifyUnsubscribeToken } from '../Subscribers/tokens'
import { renderIssue } from './email'
import { compileRawTemplate, issueMessage, rawMessageFor } from './message'

const content = {
  subject: 'Coming back <well>',
  preheader: 'One guide this week',
  intro: 'Hello runners.\n\nSecond paragraph.',
  webUrl: 'https://runsense.example/newsletter/issues/coming-back',
  featured: {
    title: 'Returning to Running & Injury',
    summary: 'A patient, graduated return.',
    url: 'https://runsense.example/guides/returning',
    reviewer: { name: 'Raphael Crawford-Marks', role: 'Founder' },
    lastReviewedAt: '2026-06-09T00:00:00.000Z',
  },
  also: [{ title: 'Easy runs', summary: 'Slow down.', url: 'https://runsense.example/guides/easy' }],
}

describe('the issue email', () => {
  it('renders once and personalises per recipient: links, headers, footer, no images', async () => {
    process.env.PAYLOAD_SECRET = 'unit-test-secret'
    process.env.SITE_URL = 'https://runsense.example'
    process.env.EMAIL_FROM = 'guides@runsense.example'
    const rendered = await renderIssue(content)
    const a = issueMessage({ id: 7, subject: content.subject }, rendered, { to: 'a@example.com', subscriberId: 41, confirmedAt: '2026-11-02T10:00:00Z', deliveryId: 900 })
    const b = issueMessage({ id: 7, subject: content.subject }, rendered, { to: 'b@example.com', subscriberId: 42, confirmedAt: null, deliveryId: 901 })
    const html = String(a.html)
    const text = String(a.text)
    expect(html).toContain('Returning to Running &amp; Injury')
    expect(html).not.toMatch(/<img|%%RUNSENSE/)
    expect(text).toContain('Returning to Running & Injury')
    expect(text).toContain('Reviewed by Raphael Crawford-Marks, Founder · Last reviewed June 9, 2026')
    expect(text).toContain('confirmed on November 2, 2026')
    expect(String(b.text)).toContain('confirmed on an earlier date')
    expect(text).not.toContain('%%RUNSENSE')
    // The inbox preview (react-email's hidden first block): the editors' preheader only after the fixed marker.
    const preview = /<div[^>]*display:none[^>]*>([^<]*)/.exec(html)![1]
    expect(preview).toBe(`${EXEMPT_NOTICES.inboxPreview} ${content.preheader}`)
    expect(html.split(content.preheader)).toHaveLength(2)

    const headers = a.headers as Record<string, string>
    const [, url, mailto] = /^<([^>]+)>, <(mailto:[^>]+)>$/.exec(headers['List-Unsubscribe'])!
    expect(url.startsWith('https://runsense.example/newsletter/unsubscribe?token=')).toBe(true)
    expect(verifyUnsubscribeToken(new URL(url).searchParams.get('token'))).toBe(41)
    expect(mailto).toMatch(/^mailto:unsubscribe@runsense\.example\?subject=unsubscribe%20/)
    expect(text).toContain(url)
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(headers['List-Id']).toBe('Runsense weekly guide <weekly.runsense.example>')
    // Unique per recipient, and the same for one delivery row however often it is sent.
    expect(a.messageId).toBe('<issue-7.delivery-900@runsense.example>')
    expect(b.messageId).not.toBe(a.messageId)
  })

  it('a staff test copy of an unsent issue does not link its web version (a 404 until it is sent); it says so and links the issue in the CMS', async () => {
    const cmsUrl = 'https://cms.runsense.example/admin/collections/newsletter-issues/7'
    const { html, text } = await renderIssue(content, { cmsUrl })
    for (const part of [html, text]) {
      expect(part).not.toContain(content.webUrl)
      expect(part).toContain('Test copy: the web version opens to readers when the issue is sent.')
      expect(part).toContain(cmsUrl)
    }
    expect((await renderIssue(content)).html).toContain(content.webUrl)
  })
})

/** Quoted-printable back to text (RFC 2045): soft line breaks go, =XX become bytes. */
const decodeQp = (s: string) =>
  Buffer.from(
    s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})|([\s\S])/g, (_, hex, ch) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ch)),
    'latin1',
  ).toString('utf8')

describe('the fast path (one composed template per batch)', () => {
  it('gives each recipient the same message the ordinary path would', async () => {
    process.env.PAYLOAD_SECRET = 'unit-test-secret'
    const rendered = await renderIssue(content)
    const issue = { id: 7, subject: 'Coming back — well' }
    const template = await compileRawTemplate(issue, rendered)
    const r = { to: 'a@example.com', subscriberId: 41, confirmedAt: '2026-11-02T10:00:00Z', deliveryId: 900 }
    const fast = rawMessageFor(template, r)!
    const ordinary = issueMessage(issue, rendered, r)
    const [head, ...rest] = fast.raw.split('\r\n\r\n')
    expect(head).toContain('\r\nTo: a@example.com\r\n')
    expect(head).toContain(`Message-ID: ${ordinary.messageId}`)
    expect(head.replace(/\r\n /g, ' ')).toContain(`List-Unsubscribe: ${(ordinary.headers as Record<string, string>)['List-Unsubscribe']}`)
    expect(head).toContain('Subject: =?UTF-8?Q?')
    expect(fast.envelope).toEqual({ from: 'guides@runsense.example', to: ['a@example.com'] })
    const parts = rest.join('\r\n\r\n').split(/\r\n----_NmP-[^\r]+\r\n/)
    const bodies = parts.map((p) => p.split('\r\n\r\n')[1]).filter(Boolean)
    expect(fast.raw.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2)
    expect(bodies.map(decodeQp).map((b) => b.replace(/\r\n/g, '\n'))).toEqual(
      expect.arrayContaining([String(ordinary.text).replace(/\r\n/g, '\n'), String(ordinary.html).replace(/\r\n/g, '\n')]),
    )
    // An address that is not plain ASCII takes the ordinary path.
    expect(rawMessageFor(template, { ...r, to: 'jürgen@example.com' })).toBeNull()
  })
})
