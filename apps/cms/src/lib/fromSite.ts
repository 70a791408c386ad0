import { timingSafeEqual } from 'node:crypto'
import type { PayloadRequest } from 'payload'

/**
 * Whether a request comes from our site's server (signups, reader reports): it carries the
 * shared NEWSLETTER_SECRET as a bearer token, compared in constant time.
 */
export function fromSite(req: PayloadRequest): boolean {
  const secret = process.env.NEWSLETTER_SECRET
  if (!secret) return false
  const given = Buffer.from((req.headers.get('authorization') || '').replace(/^Bearer /, ''))
  const expected = Buffer.from(secret)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
