import { createHmac } from 'node:crypto'

/**
 * The address a staff request came from, for sign-in throttling and the sign-in record.
 *
 * The CMS runs under `next start`, which passes on a client's own X-Forwarded-For and adds the
 * socket's address only when there is none. So: behind TRUST_PROXY trusted proxies (a number of
 * hops; `true` means one), the address the outermost trusted proxy saw is the entry that many
 * places from the right; without a proxy, the right-most entry (the socket's, unless the client
 * wrote the header itself; the per-account limits do not depend on it).
 */
export function clientAddress(headers: Headers): string {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  if (!entries.length) return 'unknown'
  const trusted = trustedHops()
  return entries[Math.max(0, entries.length - Math.max(1, trusted))]
}

function trustedHops(): number {
  const raw = process.env.TRUST_PROXY
  if (!raw || raw === 'false') return 0
  if (raw === 'true') return 1
  const n = Number(raw)
  return Number.isInteger(n) && n > 0 ? n : 1
}

/** A client address as the sign-in record keeps it: keyed hash, never the address itself. */
export function hashClientAddress(address: string): string {
  return createHmac('sha256', process.env.PAYLOAD_SECRET || 'runsense').update(`client:${address}`).digest('hex').slice(0, 32)
}
