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
  return { status: res.status, headers: res.headers, text, json: (() => { try { return JSON.parse(text) } catch { return null } })() }
}

/** The subscriber row as admins see it (or undefined). */
export async function subscriber(email: string) {
  const res = await rest('GET', `/api/subscribers?where[email][equals]=${encodeURIComponent(email.toLowerCase())}&depth=0`, { as: 'admin' })
  return res.body.docs[0] as Record<string, any> | undefined
}

export async function subscriberCount() {
  return (await rest('GET', '/api/subscribers?limit=1', { as: 'admin' })).body.totalDocs as number
}
