/** One recipient's email: body from the issue's rendered templates, plus the list headers. */
import { randomUUID } from 'node:crypto'
import type { SendMailOptions } from 'nodemailer'
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
