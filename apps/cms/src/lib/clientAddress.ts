import { createHmac } from 'node:crypto'
import { clientAddress as fromTrustedProxy, trustedHops } from '@runsense/domain/client-address'

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
  const forwardedFor = headers.get('x-forwarded-for')
  // The socket's address, set by server.mjs (it overwrites any such header a client sends).
  const peer = headers.get('x-runsense-peer') || null
  return fromTrustedProxy({ forwardedFor, peer, trustedHops: trustedHops(process.env.TRUST_PROXY) })
}

/** A client address as the sign-in record keeps it: keyed hash, never the address itself. */
export function hashClientAddress(address: string): string {
  return createHmac('sha256', process.env.PAYLOAD_SECRET || 'runsense')
    .update(`client:${address}`)
    .digest('hex')
    .slice(0, 32)
}
