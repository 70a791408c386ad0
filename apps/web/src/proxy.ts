import { NextResponse, type NextRequest } from 'next/server'

// A POST to /newsletter/unsubscribe (RFC 8058 one-click, or the page's button) or to
// /newsletter/confirm (the page's button) goes to its route handler; a GET stays on the page with
// the button, so a mail scanner prefetching the link changes nothing. Next cannot have both in
// one segment.
export function proxy(request: NextRequest) {
  if (request.method === 'POST') {
    const url = request.nextUrl.clone()
    url.pathname = `/api${url.pathname}`
    return NextResponse.rewrite(url)
  }
  return NextResponse.next()
}

export const config = { matcher: ['/newsletter/unsubscribe', '/newsletter/confirm'] }
