/**
 * The site's half of newsletter signups: read and check what the reader sent, find their IP,
 * and pass the signup to the CMS (the only writer of subscribers) with the shared secret.
 */
import { cmsUrl } from './content'

export const MAX_BODY_BYTES = 4096
export const ACCEPTED_MESSAGE = 'Thanks! Check your inbox: we sent you a link to confirm your subscription.'

export type ParsedSignup = { email: unknown; source: unknown; honeypot: boolean }

/** A sentence for the reader, and the HTTP status to answer with. */
export class SignupError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** Reads JSON or a url-encoded form, refusing anything else, oversized or malformed. */
export async function parseSignup(request: Request): Promise<ParsedSignup> {
  const type = (request.headers.get('content-type') || '').split(';')[0].trim().toLowerCase()
  const isJson = type === 'application/json'
  const isForm = type === 'application/x-www-form-urlencoded'
  if (!isJson && !isForm) throw new SignupError('Please send the signup as a form or as JSON.')
  const declared = Number(request.headers.get('content-length') || 0)
  if (declared > MAX_BODY_BYTES) throw new SignupError('That request is too large.')
  const raw = await readLimited(request, MAX_BODY_BYTES)
  if (isForm) {
    const form = new URLSearchParams(raw)
    return { email: form.get('email'), source: form.get('source'), honeypot: Boolean(form.get('website')) }
  }
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    throw new SignupError('That request is not valid JSON.')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SignupError('Please send an object like {"email": "you@example.com"}.')
  const b = body as Record<string, unknown>
  return { email: b.email, source: b.source, honeypot: Boolean(b.website) }
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new SignupError('That request is too large.')
    }
    chunks.push(value)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new SignupError('That request is not valid text.')
  }
}

/**
 * The reader's IP: from X-Forwarded-For only behind a trusted reverse proxy (TRUST_PROXY),
 * else the socket's peer address set by server.mjs, so a forged header cannot dodge a limit.
 */
export function clientIp(headers: Headers): string {
  if (process.env.TRUST_PROXY && process.env.TRUST_PROXY !== 'false') {
    const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  return headers.get('x-runsense-peer') || 'unknown'
}

export const UNAVAILABLE_MESSAGE = 'Signups are unavailable for a moment. Please try again shortly.'
/**
 * When the CMS may have stored the signup but we could not hear it say so (it timed out, or the
 * connection dropped after the request left). Signups are idempotent, so trying again is safe.
 */
export const UNCERTAIN_MESSAGE =
  "We couldn't confirm your signup just now, but it may have gone through: check your inbox for our confirmation email in the next few minutes. If none arrives, please try again (signing up twice is safe)."

/** How long the site waits for the CMS's answer to a signup (SIGNUP_CMS_TIMEOUT_MS, default 8000). */
const signupTimeoutMs = () => {
  const n = Number(process.env.SIGNUP_CMS_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 8000
}

/** Errors that prove the request never reached the CMS, so nothing can have been stored. */
const NEVER_ARRIVED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Calls one of the CMS's subscriber endpoints, server to server. */
export async function callCms(path: 'signup' | 'confirm' | 'unsubscribe', body: Record<string, unknown>) {
  const secret = process.env.NEWSLETTER_SECRET
  if (!secret) throw new SignupError('Signups are not configured on this server.', 503)
  // Only a signup promises an email to look for; confirm and unsubscribe pages say "try again".
  const uncertain = () => new SignupError(path === 'signup' ? UNCERTAIN_MESSAGE : UNAVAILABLE_MESSAGE, 503)
  let res: Response
  let json: Record<string, unknown>
  try {
    res = await fetch(`${cmsUrl()}/api/subscribers/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(signupTimeoutMs()),
    })
    json = (await res.json().catch(() => null)) as Record<string, unknown>
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code
    if (code && NEVER_ARRIVED.has(code)) throw new SignupError(UNAVAILABLE_MESSAGE, 503)
    throw uncertain()
  }
  // The CMS's own refusals are JSON and mean nothing was stored; any other failure (a proxy's 502,
  // a crash mid-request) may have come after the commit.
  if (!json) {
    if (res.ok) return {}
    throw uncertain()
  }
  if (res.status === 429) {
    throw new SignupError(String(json.error || 'Too many attempts. Please wait and try again.'), 429, Number(json.retryAfter) || 60)
  }
  if (res.status === 400) throw new SignupError(String(json.error || "That doesn't look like an email address."), 400)
  if (!res.ok) throw new SignupError(UNAVAILABLE_MESSAGE, 503)
  return json
}
