/**
 * Newsletter signups are not open yet (the double opt-in flow is its own issue). The form posts
 * here and gets a clear answer rather than an error page.
 */
export async function POST() {
  return Response.json(
    { error: 'Newsletter signups open soon. Nothing was stored; please try again in a few days.' },
    { status: 503, headers: { 'Retry-After': '86400' } },
  )
}
