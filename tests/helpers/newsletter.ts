import { rest, siteUrl } from './api'

let n = 0
/** A fresh address and a fresh client IP, so tests never share rate-limit windows. */
export const freshAddress = (tag = 'reader') => `${tag}-${Date.now().toString(36)}-${++n}@example.com`
let ip = 0
export const freshIp = () => `10.${(Date.now() >> 16) & 255}.${(++ip >> 8) & 255}.${ip & 255}`

export async function signup(body: unknown, { ip = freshIp(), contentType = 'application/json', accept = '*/*' }: { ip?: string; contentType?: string; accept?: string } = {}) {
  const res = await fetch(`${siteUrl()}/api/newsletter`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': contentType, 'x-forwarded-for': ip, accept },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (() => {
      try {
        return JSON.parse(text)
      } catch {
        return null
      }
    })(),
  }
}

/** The subscriber row as admins see it (or undefined). */
export async function subscriber(email: string) {
  const res = await rest('GET', `/api/subscribers?where[email][equals]=${encodeURIComponent(email.toLowerCase())}&depth=0`, { as: 'admin' })
  return res.body.docs[0] as Record<string, any> | undefined
}

export async function subscriberCount() {
  return (await rest('GET', '/api/subscribers?limit=1', { as: 'admin' })).body.totalDocs as number
}

/**
 * Confirms the way a reader does: the emailed link only shows a button (a GET changes nothing),
 * and the button POSTs to the same address. Returns the page it lands on.
 */
export async function pressConfirm(link: string) {
  const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
  return { status: res.status, url: res.url, html: await res.text() }
}

/** A reader who signed up and confirmed through the site, as a real one does. */
export async function confirmedReader(tag = 'reader') {
  const { waitForMail, linkIn } = await import('./mail')
  const email = freshAddress(tag)
  const res = await signup({ email })
  if (res.status !== 202) throw new Error(`signup of ${email} failed: ${res.status} ${res.text}`)
  const [mail] = await waitForMail(email, (m) => m.subject === 'Confirm your Runsense subscription')
  const page = await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
  if (!page.html.includes('re subscribed')) throw new Error(`confirming ${email} failed: ${page.status}`)
  return email
}

/** Posts provider events to the CMS's bounce/complaint webhook (the secret unless told otherwise). */
export async function mailEvents(body: unknown, secret: string | null = process.env.NEWSLETTER_EVENTS_SECRET ?? '') {
  const { cmsUrl } = await import('./api')
  const res = await fetch(`${cmsUrl()}/api/newsletter-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { authorization: `Bearer ${secret}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}
