import { NextResponse, type NextRequest } from 'next/server'

// A POST to /newsletter/unsubscribe (RFC 8058 one-click, or the page's button) goes to the route
// handler; a GET stays on the page with the button. Next cannot have both in one segment.
export function proxy(request: NextRequest) {
  if (request.method === 'POST') {
    const url = request.nextUrl.clone()
    url.pathname = '/api/newsletter/unsubscribe'
    return NextResponse.rewrite(url)
  }
  return NextResponse.next()
}

export const config = { matcher: '/newsletter/unsubscribe' }
