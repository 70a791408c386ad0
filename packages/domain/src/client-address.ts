/**
 * The address a request came from, for rate limits and hashed consent records.
 *
 * Behind `trustedHops` reverse proxies, each proxy appends the address it saw to X-Forwarded-For,
 * so only the right-most `trustedHops` entries were written by machines we trust; everything to
 * their left was written by the client and can be anything. Like Express's `trust proxy = n` and
 * nginx's realip module, the client is the entry the outermost trusted proxy appended: the
 * `trustedHops`-th from the right (or the left-most when there are fewer entries). With no
 * trusted hops, the header is ignored and the socket's peer address is the client.
 */
export function clientAddress({ forwardedFor, peer, trustedHops }: { forwardedFor: string | null | undefined; peer: string | null | undefined; trustedHops: number }): string {
  const fallback = peer?.trim() || 'unknown'
  if (!(trustedHops > 0) || !forwardedFor) return fallback
  const hops = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (!hops.length) return fallback
  return hops[Math.max(0, hops.length - Math.floor(trustedHops))]
}

/**
 * TRUST_PROXY as a number of trusted hops: unset, empty, "false" or "0" trust none; "true" (the
 * old spelling) means one; a positive integer means that many.
 */
export function trustedHops(value: string | undefined): number {
  const v = (value ?? '').trim().toLowerCase()
  if (!v || v === 'false' || v === '0') return 0
  if (v === 'true') return 1
  const n = Number(v)
  return Number.isInteger(n) && n > 0 ? n : 0
}
