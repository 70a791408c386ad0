import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A confirmation token: 32 random bytes for the link; only its SHA-256 is stored. */
export function newConfirmToken() {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashToken(token) }
}
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')
export const CONFIRM_TOKEN_TTL_MS = 48 * 60 * 60 * 1000

/**
 * An unsubscribe token: the subscriber id signed with a server key. Nothing to store, never
 * expires, works in every email ever sent, and cannot be forged for another subscriber.
 */
const key = () => `unsubscribe:${process.env.PAYLOAD_SECRET ?? ''}`
const sign = (id: string) => createHmac('sha256', key()).update(id).digest('base64url')

export const unsubscribeToken = (id: number | string) => `${Buffer.from(String(id)).toString('base64url')}.${sign(String(id))}`

export function verifyUnsubscribeToken(token: unknown): number | null {
  if (typeof token !== 'string' || token.length > 200) return null
  const [idPart, mac] = token.split('.')
  if (!idPart || !mac) return null
  const id = Buffer.from(idPart, 'base64url').toString()
  if (!/^\d{1,12}$/.test(id)) return null
  const expected = Buffer.from(sign(id))
  const given = Buffer.from(mac)
  return expected.length === given.length && timingSafeEqual(expected, given) ? Number(id) : null
}
