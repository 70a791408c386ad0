/**
 * The site's half of newsletter signups: read and check what the reader sent, find their IP,
 * and pass the signup to the CMS (the only writer of subscribers) with the shared secret.
 */
import { EMAIL_ERRORS } from '@runsense/domain/email'
import { clientAddress, trustedHops } from '@runsense/domain/client-address'
import { cmsFetch } from './content'

export const MAX_BODY_BYTES = 4096
export const ACCEPTED_MESSAGE = 'Thanks! Check your inbox: we sent you a link to confirm your subscription.'

export type ParsedSignup = { email: unknown; source: unknown; honeypot: boolean }

/**
 * Every sentence a reader can be shown about a signup, by code. The plain form's redirect carries
 * only the code (`/newsletter?error=tooMany`), so a crafted link cannot put its own words into
 * our page's alert: an unknown code shows nothing.
 */
export const SIGNUP_ERRORS = {
  ...EMAIL_ERRORS,
  format: 'Please send the signup as a form or as JSON.',
  tooLarge: 'That request is too large.',
  notJson: 'That request is not valid JSON.',
  notObject: 'Please send an object like {"email": "you@example.com"}.',
  notText: 'That request is not valid text.',
  source: 'The page you signed up from was not recognised.',
  tooMany: 'Too many signup attempts. Please wait a little and try again.',
  unavailable: 'Signups are unavailable for a moment. Please try again shortly.',
  // When the CMS may have stored the signup but we could not hear it say so (it timed out, or the
  // connection dropped after the request left). Signups are idempotent, so trying again is safe.
  uncertain:
    "We couldn't confirm your signup just now, but it may have gone through: check your inbox for our confirmation email in the next few minutes. If none arrives, please try again (signing up twice is safe).",
  notConfigured: 'Signups are not configured on this server.',
} as const
export type SignupErrorCode = keyof typeof SIGNUP_ERRORS

/** Our sentence for a code from a URL, or null when it is not one of ours. */
export const signupErrorMessage = (code: unknown): string | null => (typeof code === 'string' && Object.hasOwn(SIGNUP_ERRORS, code) ? SIGNUP_ERRORS[code as SignupErrorCode] : null)

/** The code of an email-validation sentence (from the domain package, here or via the CMS). */
export const emailErrorCode = (sentence: unknown): SignupErrorCode =>
  (Object.keys(EMAIL_ERRORS) as (keyof typeof EMAIL_ERRORS)[]).find((k) => EMAIL_ERRORS[k] === sentence) ?? 'invalid'

/** A sentence for the reader (by code), and the HTTP status to answer with. */
export class SignupError extends Error {
  constructor(
    readonly code: SignupErrorCode,
    readonly status = 400,
    readonly retryAfter?: number,
  ) {
    super(SIGNUP_ERRORS[code])
  }
}

/** Reads JSON or a url-encoded form, refusing anything else, oversized or malformed. */
export async function parseSignup(request: Request): Promise<ParsedSignup> {
  const type = (request.headers.get('content-type') || '').split(';')[0].trim().toLowerCase()
  const isJson = type === 'application/json'
  const isForm = type === 'application/x-www-form-urlencoded'
  if (!isJson && !isForm) throw new SignupError('format')
  const declared = Number(request.headers.get('content-length') || 0)
  if (declared > MAX_BODY_BYTES) throw new SignupError('tooLarge')
  const raw = await readLimited(request, MAX_BODY_BYTES)
  if (isForm) {
    const form = new URLSearchParams(raw)
    return { email: form.get('email'), source: form.get('source'), honeypot: Boolean(form.get('website')) }
  }
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    throw new SignupError('notJson')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SignupError('notObject')
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
      throw new SignupError('tooLarge')
    }
    chunks.push(value)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new SignupError('notText')
  }
}

/**
 * The reader's IP for rate limits: the socket's peer address set by server.mjs, or behind
 * TRUST_PROXY reverse proxies the address the outermost trusted one saw (never an entry the
 * client wrote itself; see @runsense/domain/client-address).
 */
export function clientIp(headers: Headers): string {
  return clientAddress({
    forwardedFor: headers.get('x-forwarded-for'),
    peer: headers.get('x-runsense-peer'),
    trustedHops: trustedHops(process.env.TRUST_PROXY),
  })
}

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
  if (!secret) throw new SignupError('notConfigured', 503)
  // Only a signup promises an email to look for; confirm and unsubscribe pages say "try again".
  const uncertain = () => new SignupError(path === 'signup' ? 'uncertain' : 'unavailable', 503)
  let res: Response
  let json: Record<string, unknown>
  try {
    res = await cmsFetch(`/api/subscribers/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(signupTimeoutMs()),
    })
    json = (await res.json().catch(() => null)) as Record<string, unknown>
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code
    if (code && NEVER_ARRIVED.has(code)) throw new SignupError('unavailable', 503)
    throw uncertain()
  }
  // The CMS's own refusals are JSON and mean nothing was stored; any other failure (a proxy's 502,
  // a crash mid-request) may have come after the commit.
  if (!json) {
    if (res.ok) return {}
    throw uncertain()
  }
  if (res.status === 429) {
    throw new SignupError('tooMany', 429, Number(json.retryAfter) || 60)
  }
  if (res.status === 400) throw new SignupError(emailErrorCode(json.error), 400)
  if (!res.ok) throw new SignupError('unavailable', 503)
  return json
}

/** Most signups in one call to the CMS (its MAX_SIGNUP_BATCH), and how many calls may be out at once. */
const SIGNUP_BATCH = 200
const SIGNUP_CALLS_AT_ONCE = 2
type Waiting = { signup: Record<string, unknown>; resolve: () => void; reject: (err: unknown) => void }
const waiting: Waiting[] = []
let callsOut = 0

/**
 * Passes one signup to the CMS; resolves once it is stored, or throws the SignupError the reader
 * gets. Signups travel in batches: while fewer than SIGNUP_CALLS_AT_ONCE calls are out a signup
 * leaves at once (alone, when traffic is light); otherwise it leaves with the next call, together
 * with every signup that arrived meanwhile. The CMS stores a batch in one transaction and answers
 * for each signup, so each reader still gets their own answer, and none before their signup is stored.
 */
export function sendSignup(signup: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    waiting.push({ signup, resolve, reject })
    sendWaitingSignups()
  })
}

function sendWaitingSignups() {
  while (callsOut < SIGNUP_CALLS_AT_ONCE && waiting.length) {
    const batch = waiting.splice(0, SIGNUP_BATCH)
    callsOut++
    callCms('signup', { signups: batch.map((w) => w.signup) })
      .then(
        (answer) => {
          const results = Array.isArray(answer.results) ? (answer.results as Record<string, unknown>[]) : []
          batch.forEach((w, i) => {
            const r = results[i]
            if (r?.status === 202) w.resolve()
            else if (r?.status === 429) w.reject(new SignupError('tooMany', 429, Number(r.retryAfter) || 60))
            else if (r?.status === 400) w.reject(new SignupError(emailErrorCode(r.error), 400))
            // An answer without this signup's result: it may have been stored.
            else w.reject(new SignupError('uncertain', 503))
          })
        },
        (err) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        callsOut--
        sendWaitingSignups()
      })
  }
}
