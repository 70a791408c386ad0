import { hasControlCharacters } from '@runsense/domain/email'
import { normaliseSignupEmail } from '@runsense/domain/signup-email'
import { SIGNUP_HEADING, SIGNUP_TEXT } from '@/components/SignupBlock'
import { ACCEPTED_MESSAGE, SignupError, clientIp, emailErrorCode, parseSignup, sendSignup } from '@/lib/newsletter'

/**
 * POST /api/newsletter — a reader's signup, as JSON or as the plain form. The answer to a valid
 * address is the same, byte for byte, whatever the address's state: it never says who is
 * subscribed. Forms get a 303 to a page (no JavaScript needed); JSON gets JSON.
 */
export async function POST(request: Request) {
  // A browser submitting the plain form (no JavaScript) gets pages; every other client gets JSON.
  const browserForm = () => (request.headers.get('content-type') || '').includes('application/x-www-form-urlencoded') && (request.headers.get('accept') || '').includes('text/html')
  const form = browserForm()
  let typed = ''
  try {
    const signup = await parseSignup(request)
    typed = typeof signup.email === 'string' ? signup.email.slice(0, 254) : ''
    if (signup.source !== undefined && signup.source !== null && (typeof signup.source !== 'string' || signup.source.length > 200 || hasControlCharacters(signup.source))) {
      throw new SignupError('source')
    }
    const email = normaliseSignupEmail(signup.email)
    if (!email.ok) throw new SignupError(emailErrorCode(email.error))
    // A filled honeypot is a bot: the same answer, and nothing stored or sent.
    if (!signup.honeypot) {
      await sendSignup({
        email: email.email,
        source: typeof signup.source === 'string' ? signup.source : null,
        ip: clientIp(request.headers),
        wording: `${SIGNUP_HEADING} ${SIGNUP_TEXT}`,
      })
    }
    return form ? redirect('/newsletter/check-your-inbox') : accepted()
  } catch (err) {
    const e = err instanceof SignupError ? err : new SignupError('unavailable', 503)
    if (!(err instanceof SignupError)) console.error('signup failed', err)
    if (form) {
      const q = new URLSearchParams({ error: e.code, ...(typed ? { email: typed } : {}) })
      return redirect(`/newsletter?${q}#signup`)
    }
    return Response.json({ error: e.message }, { status: e.status, headers: { 'cache-control': 'no-store', ...(e.retryAfter ? { 'Retry-After': String(e.retryAfter) } : {}) } })
  }
}

const accepted = () => Response.json({ ok: true, message: ACCEPTED_MESSAGE }, { status: 202, headers: { 'cache-control': 'no-store' } })
const redirect = (location: string) => new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } })
