import { timingSafeEqual } from 'node:crypto'
import type { PayloadRequest } from 'payload'

/**
 * Whether a request carries `secret` as its bearer token, compared in constant time. False when
 * the secret is not configured, so an unset env never lets anyone in.
 */
export function carriesSecret(req: PayloadRequest, secret: string | undefined): boolean {
  if (!secret) return false
  const given = Buffer.from((req.headers.get('authorization') || '').replace(/^Bearer /, ''))
  const expected = Buffer.from(secret)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** From our site's server (signups, confirmations, reader reports): NEWSLETTER_SECRET. */
export const fromSite = (req: PayloadRequest) => carriesSecret(req, process.env.NEWSLETTER_SECRET)

/** From the mail provider's bounce/complaint webhook: NEWSLETTER_EVENTS_SECRET. */
export const fromMailProvider = (req: PayloadRequest) => carriesSecret(req, process.env.NEWSLETTER_EVENTS_SECRET)
