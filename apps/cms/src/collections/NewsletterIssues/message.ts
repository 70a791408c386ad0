/** One recipient's email: body from the issue's rendered templates, plus the list headers. */
import { randomUUID } from 'node:crypto'
import type { SendMailOptions } from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import { encode as encodeQp, wrap as wrapQp } from 'nodemailer/lib/qp'
import { unsubscribeToken } from '../Subscribers/tokens'
import { personalise } from './email'

export const siteUrl = () => (process.env.SITE_URL || 'http://localhost:3000').replace(/\/$/, '')
const fromAddress = () => process.env.EMAIL_FROM || 'guides@runsense.local'
const mailDomain = () => fromAddress().split('@')[1] || 'runsense.local'
/** Where mailto one-click unsubscribes go (the provider or a mailbox someone reads). */
const unsubscribeMailbox = () => process.env.NEWSLETTER_UNSUBSCRIBE_MAILTO || `unsubscribe@${mailDomain()}`

export type Rendered = { html: string; text: string }
export type Recipient = {
  to: string
  /** null for a staff test send: the footer links to the newsletter page instead. */
  subscriberId: number | null
  confirmedAt: Date | string | null
  /** Makes the Message-ID: the delivery row's id, so a resend after a crash carries the same one. */
  deliveryId: number | null
}

export function issueMessage(issue: { id: number; subject: string }, rendered: Rendered, r: Recipient): SendMailOptions {
  const token = r.subscriberId !== null ? unsubscribeToken(r.subscriberId) : null
  const unsubscribeUrl = token ? `${siteUrl()}/newsletter/unsubscribe?token=${encodeURIComponent(token)}` : `${siteUrl()}/newsletter`
  const body = personalise(rendered, { unsubscribeUrl, confirmedAt: r.confirmedAt })
  const id = r.deliveryId !== null ? `issue-${issue.id}.delivery-${r.deliveryId}` : `issue-${issue.id}.test-${randomUUID()}`
  return {
    from: { name: 'Runsense', address: fromAddress() },
    to: r.to,
    subject: r.subscriberId === null ? `[Test] ${issue.subject}` : issue.subject,
    html: body.html,
    text: body.text,
    messageId: `<${id}@${mailDomain()}>`,
    headers: {
      // RFC 2369 + RFC 8058: the https link takes a one-click POST; mailto for clients without it.
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${unsubscribeMailbox()}?subject=${encodeURIComponent(`unsubscribe ${token ?? 'test'}`)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Runsense weekly guide <weekly.${mailDomain()}>`,
    },
  }
}

/**
 * The fast path for a send: nodemailer's MailComposer builds one message per batch job with
 * placeholders, and each recipient's copy is that text with their address, Message-ID,
 * unsubscribe header and quoted-printable bodies put in (nodemailer's own QP encoder).
 * Composing every message through MailComposer costs several milliseconds each, which alone
 * would cap a process far below 500 messages a second. Addresses that are not plain ASCII take
 * the ordinary path (issueMessage).
 */
const PH = {
  to: 'recipient@placeholder.invalid',
  mid: 'runsense-message-id@placeholder.invalid',
  lu: 'runsense-list-unsubscribe',
  html: 'RUNSENSEHTMLBODY=C2=B7',
  text: 'RUNSENSETEXTBODY=C2=B7',
}
// The bodies' placeholders carry one non-ASCII character, so MailComposer declares the parts
// quoted-printable (plain ASCII would be sent as 7bit); PH holds them as they come out encoded.
const BODY = { html: 'RUNSENSEHTMLBODY\u00b7', text: 'RUNSENSETEXTBODY\u00b7' }

export type RawTemplate = { raw: string; issue: { id: number; subject: string }; rendered: Rendered }

export async function compileRawTemplate(issue: { id: number; subject: string }, rendered: Rendered): Promise<RawTemplate> {
  const base = issueMessage(issue, rendered, { to: PH.to, subscriberId: 0, confirmedAt: null, deliveryId: 0 })
  const composer = new MailComposer({
    ...base,
    messageId: `<${PH.mid}>`,
    headers: { ...(base.headers as Record<string, string>), 'List-Unsubscribe': PH.lu },
    html: BODY.html,
    text: BODY.text,
    textEncoding: 'quoted-printable',
  })
  const raw = (await composer.compile().build()).toString('utf8')
  for (const p of Object.values(PH)) if (raw.split(p).length !== 2) throw new Error(`The message template lost its placeholder ${p}.`)
  return { raw, issue, rendered }
}

const isAscii = (s: string) => /^[\x21-\x7e]+$/.test(s)

/** One recipient's raw message and envelope, or null when the address needs the ordinary path. */
export function rawMessageFor(t: RawTemplate, r: Recipient & { subscriberId: number; deliveryId: number }) {
  if (!isAscii(r.to)) return null
  const full = issueMessage(t.issue, t.rendered, r)
  const headers = full.headers as Record<string, string>
  const [web, mail] = headers['List-Unsubscribe'].split(', ')
  const qp = (s: string) => wrapQp(encodeQp(s))
  const raw = t.raw
    .replace(PH.to, r.to)
    .replace(`<${PH.mid}>`, String(full.messageId))
    .replace(PH.lu, `${web},\r\n ${mail}`)
    .replace(PH.html, () => qp(String(full.html)))
    .replace(PH.text, () => qp(String(full.text)))
  return { envelope: { from: fromAddress(), to: [r.to] }, raw, messageId: String(full.messageId) }
}
