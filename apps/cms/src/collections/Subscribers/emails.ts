/** The newsletter's emails: plain, calm text. Links point at the site (SITE_URL). */
import type { Email } from '../../jobs/sendEmail'
import { unsubscribeToken } from './tokens'

const site = () => (process.env.SITE_URL || 'http://localhost:3000').replace(/\/$/, '')

/** RFC 8058 one-click unsubscribe headers plus the link for the email's footer. */
function unsubscribe(id: number) {
  const url = `${site()}/newsletter/unsubscribe?token=${encodeURIComponent(unsubscribeToken(id))}`
  return {
    url,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}

export const confirmationEmail = (to: string, token: string): Email => ({
  kind: 'confirm',
  to,
  subject: 'Confirm your Runsense subscription',
  text: `Hello,

Someone, hopefully you, asked to get one Runsense running guide a week at this address.

To confirm, open this link within 48 hours:
${site()}/newsletter/confirm?token=${encodeURIComponent(token)}

If it wasn't you, ignore this email: nothing will be sent to you.

Runsense
`,
})

export function welcomeEmail(to: string, id: number): Email {
  const u = unsubscribe(id)
  return {
    kind: 'welcome',
    to,
    subject: 'You are subscribed to Runsense',
    headers: u.headers,
    text: `Hello,

Thanks for confirming. You'll get one running guide a week: calm, useful, no spam.

Every guide we send is reviewed before it is published, and each one says who reviewed it and when.

To stop at any time, open this link:
${u.url}

Runsense
`,
  }
}

export function alreadySubscribedEmail(to: string, id: number): Email {
  const u = unsubscribe(id)
  return {
    kind: 'already-subscribed',
    to,
    subject: 'You are already subscribed to Runsense',
    headers: u.headers,
    text: `Hello,

Someone just asked to subscribe this address to Runsense. It is already subscribed, so nothing has changed.

If you want to stop getting our weekly guide, open this link:
${u.url}

Runsense
`,
  }
}
