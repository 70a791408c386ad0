/**
 * The site's workarounds of Next internals (apps/web/next-server-patches.mjs and what
 * apps/web/cache-handler.mjs reads from Next's cache entries): each is checked against the Next
 * that is installed, so an upgrade that changes what they rely on fails here, not in production.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import * as patches from '../../apps/web/next-server-patches.mjs'

const require = createRequire(import.meta.url)
const nextDist = (p: string) => require.resolve(`next/dist/${p}`, { paths: [`${__dirname}/../../apps/web`] })

const NOT_FOUND = '<!DOCTYPE html><title>Not found</title><h1>We couldn’t find that page</h1>'

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, init: RequestInit & { path?: string } = {}) {
  const server = createServer(patches.patchedHandler(handler, { notFoundHtml: NOT_FOUND }))
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  try {
    const { port } = server.address() as AddressInfo
    return await fetch(`http://127.0.0.1:${port}${init.path ?? '/guides/x'}`, init)
  } finally {
    server.close()
  }
}

describe('what the workarounds rely on in the installed Next', () => {
  it('Next labels a static page without revalidate time with the year-long label we replace', () => {
    const { getCacheControlHeader } = require(nextDist('server/lib/cache-control.js'))
    expect(getCacheControlHeader({ revalidate: false })).toBe(patches.NEXT_STATIC_PAGE_CACHE_CONTROL)
    expect(getCacheControlHeader({ revalidate: false, expire: 31536001 }).startsWith(patches.NEXT_STATIC_PAGE_CACHE_CONTROL)).toBe(true)
  })

  it("the cache handler's entry kinds, tag header and Pages props are what Next stores", () => {
    const { CachedRouteKind } = require(nextDist('server/response-cache/types.js'))
    expect([CachedRouteKind.PAGES, CachedRouteKind.APP_PAGE, CachedRouteKind.FETCH]).toEqual(['PAGES', 'APP_PAGE', 'FETCH'])
    expect(require(nextDist('lib/constants.js')).NEXT_CACHE_TAGS_HEADER).toBe('x-next-cache-tags')
    // A Pages Router entry carries the page's props as pageData.pageProps (read for `cacheTags`).
    const handler = readFileSync(nextDist('server/route-modules/pages/pages-handler.js'), 'utf8')
    expect(handler).toMatch(/kind: _responsecache\.CachedRouteKind\.PAGES,\s*html: renderResult,\s*pageData: renderResult\.metadata\.pageData,/)
  })

  it('with an app/ folder Next answers every 404 with the App Router not-found page, never pages/', () => {
    const base = readFileSync(nextDist('server/base-server.js'), 'utf8')
    const impl = base.slice(base.indexOf('async renderErrorToResponseImpl('), base.indexOf("await this.hasPage('/404')"))
    expect(impl).toMatch(/if \(hasAppDir\) \{[\s\S]*page: _constants\.UNDERSCORE_NOT_FOUND_ROUTE_ENTRY,[\s\S]*isAppPath: true/)
  })

  it('getStaticProps gets no request, and a draft-mode render is not shared between requests (no cache key)', () => {
    const render = readFileSync(nextDist('server/render.js'), 'utf8')
    const call = render.slice(render.indexOf('()=>getStaticProps({'), render.indexOf('revalidateReason:', render.indexOf('()=>getStaticProps({')))
    expect(call).toContain('draftMode: true')
    expect(call).not.toMatch(/\breq\b/)
    const handler = readFileSync(nextDist('server/route-modules/pages/pages-handler.js'), 'utf8')
    expect(handler).toContain('if (!routeModule.isDev && !isDraftMode && hasStaticProps) {')
  })
})

describe('the patches on a real HTTP response', () => {
  it('a page answered 500 becomes the readable 503 page with Retry-After', async () => {
    const res = await serve((_req, res) => {
      res.statusCode = 500
      res.setHeader('cache-control', 'private')
      res.end('<html>next error shell</html>')
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.text()).toBe(patches.UNAVAILABLE)
  })

  it('a 404 page becomes our page, keeping the security headers; /not-found itself answers 404', async () => {
    const res = await serve((_req, res) => {
      res.statusCode = 404
      res.setHeader('content-security-policy', "script-src 'self'")
      res.setHeader('x-nextjs-cache', 'HIT')
      res.end('<html><script>self.__next_f=[]</script>app router 404</html>')
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-security-policy')).toBe("script-src 'self'")
    expect(res.headers.get('x-nextjs-cache')).toBeNull()
    expect(await res.text()).toBe(NOT_FOUND)
    const own = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(NOT_FOUND), { path: '/not-found' })
    expect(own.status).toBe(404)
    const ok = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>a guide</p>'))
    expect([ok.status, await ok.text()]).toEqual([200, '<p>a guide</p>'])
  })

  it('an API route keeps its own 500', async () => {
    const res = await serve(
      (_req, res) => {
        res.statusCode = 500
        res.end('{"error":"x"}')
      },
      { path: '/api/x' },
    )
    expect(res.status).toBe(500)
  })

  it("a static page's year-long label becomes check-again; other labels pass untouched", async () => {
    const labelled = (value: string) =>
      serve((_req, res) => {
        res.setHeader('Cache-Control', value)
        res.end('ok')
      })
    expect((await labelled('s-maxage=31536000')).headers.get('cache-control')).toBe(patches.STATIC_PAGE_CACHE_CONTROL)
    expect((await labelled('s-maxage=31536000, stale-while-revalidate=1')).headers.get('cache-control')).toBe(patches.STATIC_PAGE_CACHE_CONTROL)
    expect((await labelled('private, no-cache, no-store, max-age=0, must-revalidate')).headers.get('cache-control')).toBe('private, no-cache, no-store, max-age=0, must-revalidate')
    expect((await labelled('public, max-age=31536000, immutable')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })

  it("the request's cookies are readable during its render, and only its own", async () => {
    const seen: (string | undefined)[] = []
    const handler = async (_req: IncomingMessage, res: ServerResponse) => {
      await new Promise((r) => setTimeout(r, 5))
      seen.push(patches.requestCookie('payload-token'))
      res.end('ok')
    }
    await Promise.all([serve(handler, { headers: { cookie: 'a=1; payload-token=tok%2Done' } }), serve(handler, { headers: { cookie: 'payload-token=two' } }), serve(handler)])
    expect(seen.sort()).toEqual(['tok-one', 'two', undefined].sort())
    expect(patches.requestCookie('payload-token')).toBeUndefined()
  })
})
