// Every workaround of a Next internal that the site's server (server.mjs) needs, in one module.
// tests/unit/next-server-patches.test.ts fails if an upgrade of Next changes what these rely on.
//
// 1. replaceErrorPages: a page that could not be rendered (almost always: the CMS is
//    unreachable and the page is not cached yet) gets an honest 503 with Retry-After and a
//    readable page that needs no JavaScript, instead of Next's empty 500 shell. And every 404
//    gets pages/not-found.tsx (plain HTML, no scripts): with an app/ folder, Next always answers 404s
//    with the App Router's built-in not-found page (~130 KB of runtime, inline scripts our CSP
//    refuses), even for a Pages Router page's `notFound`. Relies on Next answering through the
//    Node response's writeHead/write/end with status 500/404, on base-server preferring app's
//    /_not-found, and on `next build` prerendering pages/not-found.tsx to .next/server/pages/.
// 2. revalidatedStaticPages: Next labels a static page "s-maxage=31536000" (a year in any shared
//    cache, which would never hear of the CMS's revalidations). Such pages are labeled instead as
//    the per-request pages label themselves (sameForEveryone in src/lib/pageCache.ts): keep, but
//    check again before each use. Relies on that exact label (next/dist/server/lib/cache-control).
// 3. requestCookies: the Pages Router gives getStaticProps no request, so a draft-mode render
//    (the staff preview of a guide) could not see who asks. The server runs each request inside
//    this store with its Cookie header; src/lib/preview.ts reads it. Shared through globalThis,
//    because Next bundles its own copy of any module that src/ imports.
import { AsyncLocalStorage } from 'node:async_hooks'
import path from 'node:path'

const STORE = Symbol.for('runsense.requestCookies')
/** @type {AsyncLocalStorage<string>} */
export const requestCookies = (globalThis[STORE] ??= new AsyncLocalStorage())

/** The value of one cookie of the request being rendered, or undefined outside a request. */
export function requestCookie(name) {
  const header = requestCookies.getStore()
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** What Next labels a static page without a revalidate time with. */
export const NEXT_STATIC_PAGE_CACHE_CONTROL = 's-maxage=31536000'
export const STATIC_PAGE_CACHE_CONTROL = 'public, max-age=0, must-revalidate'

export function revalidatedStaticPages(res) {
  const { setHeader } = res
  res.setHeader = function (name, value) {
    if (typeof name === 'string' && name.toLowerCase() === 'cache-control' && typeof value === 'string' && value.startsWith(NEXT_STATIC_PAGE_CACHE_CONTROL)) {
      return setHeader.call(res, name, STATIC_PAGE_CACHE_CONTROL)
    }
    return setHeader.call(res, name, value)
  }
}

export const UNAVAILABLE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unavailable for a moment · Runsense</title><style>body{font:1.1rem/1.6 Georgia,serif;max-width:40rem;margin:3rem auto;padding:0 1.25rem;color:#1f2328;background:#fbfaf7}@media(prefers-color-scheme:dark){body{color:#e6e3dd;background:#16181b}a{color:#8cc2ff}}</style></head><body><main><h1>This page is unavailable for a moment</h1><p>We couldn&rsquo;t load this page just now. Please try again in a minute.</p><p><a href="/">Back to the guides</a></p></main></body></html>`

/**
 * Decided at the first byte of a GET page (not /api/, not /_next/): a 500 becomes the 503 page; a
 * 404 (and /not-found itself) becomes `notFoundHtml` (pages/not-found.tsx as Next prerendered it)
 * when there is one; anything
 * else passes untouched. Headers set for the page (the security headers) stay on a 404.
 */
export function replaceErrorPages(req, res, { notFoundHtml } = {}) {
  if (req.method !== 'GET' || req.url.startsWith('/api/') || req.url.startsWith('/_next/')) return
  const { writeHead, write, end } = res
  const notFoundPath = req.url.split('?')[0] === NOT_FOUND_PATH
  let replacement = undefined
  const decide = () => {
    if (replacement !== undefined) return replacement
    if (res.headersSent) return (replacement = null)
    if (res.statusCode === 500) return (replacement = 'unavailable')
    if ((res.statusCode === 404 || notFoundPath) && notFoundHtml) return (replacement = 'not-found')
    return (replacement = null)
  }
  res.writeHead = function (status, ...rest) {
    if (status === 500 || ((status === 404 || notFoundPath) && notFoundHtml)) {
      res.statusCode = status
      return res
    }
    return writeHead.call(res, status, ...rest)
  }
  res.write = function (...args) {
    return decide() ? true : write.apply(res, args)
  }
  res.end = function (...args) {
    const kind = decide()
    if (!kind) return end.apply(res, args)
    if (kind === 'unavailable') {
      for (const h of res.getHeaderNames()) res.removeHeader(h)
      writeHead.call(res, 503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '30', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(UNAVAILABLE) })
      return end.call(res, UNAVAILABLE)
    }
    for (const h of res.getHeaderNames()) if (/^(content-(length|type|encoding)|etag|vary|cache-control|x-nextjs-.*)$/.test(h)) res.removeHeader(h)
    writeHead.call(res, 404, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'private, no-cache, no-store, max-age=0, must-revalidate',
      'content-length': Buffer.byteLength(notFoundHtml),
    })
    return end.call(res, notFoundHtml)
  }
}

/** Our 404 page (src/pages/not-found.tsx) and where `next build` writes it, prerendered. */
export const NOT_FOUND_PATH = '/not-found'
export const notFoundHtmlFile = (appDir, distDir = process.env.NEXT_DIST_DIR || '.next') => path.join(appDir, distDir, 'server', 'pages', 'not-found.html')

/** All of the above, for one request; then `handle` runs inside the request's cookie store. */
export function patchedHandler(handle, { notFoundHtml } = {}) {
  return (req, res) => {
    replaceErrorPages(req, res, { notFoundHtml })
    revalidatedStaticPages(res)
    return requestCookies.run(req.headers.cookie ?? '', () => handle(req, res))
  }
}
