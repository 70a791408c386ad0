import { SignupError, callCms } from '@/lib/newsletter'

/**
 * POST /newsletter/unsubscribe (rewritten here by proxy.ts): unsubscribes at once. Mail clients
 * send it for RFC 8058 one-click (body "List-Unsubscribe=One-Click"); the page's button sends
 * the same form. Never needs a login; idempotent.
 */
export async function POST(request: Request) {
  const token = new URL(request.url).searchParams.get('token') || ''
  const wantsJson = (request.headers.get('accept') || '').includes('application/json')
  try {
    const res = await callCms('unsubscribe', { token })
    const ok = res.result === 'unsubscribed'
    if (wantsJson) return Response.json({ ok, result: res.result }, { status: ok ? 200 : 400 })
    return new Response(null, { status: 303, headers: { location: `/newsletter/unsubscribe?done=${ok ? '1' : 'invalid'}` } })
  } catch (err) {
    const message = err instanceof SignupError ? err.message : 'Unsubscribing is unavailable for a moment.'
    return Response.json({ error: message }, { status: 503 })
  }
}
