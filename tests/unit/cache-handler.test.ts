import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import Cache from '../../apps/web/cache-handler.mjs'

const page = (cacheTags?: unknown) => ({ kind: 'PAGES', html: '<p>page</p>', pageData: { pageProps: { cacheTags } }, headers: {}, status: 200 })
const appPage = (tags: string) => ({ kind: 'APP_PAGE', html: '<p>app</p>', headers: { 'x-next-cache-tags': tags }, status: 200 })
const fetched = () => ({ kind: 'FETCH', data: { body: '{}', headers: {}, status: 200, url: 'http://cms' }, revalidate: false })

let n = 0
const key = () => `/k${++n}`

describe('the site cache handler (cache-handler.mjs)', () => {
  const cache = new Cache()
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-25T12:00:00Z'))
  })
  afterEach(() => vi.useRealTimers())

  it('expires a Pages Router page by the tags it names in its props, and only by those', async () => {
    const k = key()
    await cache.set(k, page(['guide:a', 'guides']), { cacheControl: { revalidate: false } })
    vi.advanceTimersByTime(5000)
    await cache.revalidateTag('guide:b')
    expect((await cache.get(k, { kind: 'PAGES' }))?.value.kind).toBe('PAGES')
    await cache.revalidateTag(['guides'])
    expect(await cache.get(k, { kind: 'PAGES' })).toBeNull()
  })

  it('expires App Router entries by the tags Next records, and CMS reads by their fetch tags', async () => {
    const [a, f] = [key(), key()]
    await cache.set(a, appPage('topics,topic:x'), {})
    await cache.set(f, fetched(), { fetchCache: true, tags: ['reviewer:r'] })
    vi.advanceTimersByTime(5000)
    await cache.revalidateTag('topic:x')
    expect(await cache.get(a, { kind: 'APP_PAGE' })).toBeNull()
    expect((await cache.get(f, { kind: 'FETCH', tags: ['reviewer:r'] }))?.value.kind).toBe('FETCH')
    await cache.revalidateTag('reviewer:r')
    expect(await cache.get(f, { kind: 'FETCH', tags: ['reviewer:r'] })).toBeNull()
  })

  it('a page without tags is kept until it falls out of the cache', async () => {
    const k = key()
    await cache.set(k, page(undefined), {})
    await cache.revalidateTag(['guides', 'sources'])
    vi.advanceTimersByTime(60_000)
    expect(await cache.get(k, { kind: 'PAGES' })).not.toBeNull()
  })

  it('an entry stored just after a revalidation may hold data read before it: it is rendered again', async () => {
    const k = key()
    await cache.revalidateTag('guide:race')
    vi.advanceTimersByTime(500)
    await cache.set(k, page(['guide:race']), {})
    expect(await cache.get(k, { kind: 'PAGES' })).toBeNull()
    vi.advanceTimersByTime(3000)
    await cache.set(k, page(['guide:race']), {})
    expect(await cache.get(k, { kind: 'PAGES' })).not.toBeNull()
  })

  it('does not keep "not found" results, and storing one drops the page that was there', async () => {
    const k = key()
    await cache.set(k, page(['guide:gone']), {})
    await cache.set(k, null, {})
    expect(await cache.get(k, { kind: 'PAGES' })).toBeNull()
  })

  it('returns the lifetime it was given with the entry', async () => {
    const k = key()
    await cache.set(k, page(['x']), { cacheControl: { revalidate: false, expire: undefined } })
    expect((await cache.get(k, { kind: 'PAGES' }))?.cacheControl).toEqual({ revalidate: false, expire: undefined })
  })
})

describe('the cache handler under memory pressure', () => {
  /** A fresh copy of the module (its maps are module-level) with SITE_CACHE_MAX_ENTRIES set. */
  async function cacheWith(maxEntries: string, load: () => Promise<{ default: new () => unknown }>) {
    vi.resetModules()
    process.env.SITE_CACHE_MAX_ENTRIES = maxEntries
    try {
      const { default: Fresh } = await load()
      return new Fresh()
    } finally {
      delete process.env.SITE_CACHE_MAX_ENTRIES
    }
  }
  const has = async (cache: any, k: string) => (await cache.get(k, { kind: 'PAGES' })) !== null
  /** What Next does for one request of an address: look it up, and on a miss render and store it. */
  const request = async (cache: any, k: string, value: unknown) => {
    if (!(await cache.get(k, { kind: 'PAGES' }))) await cache.set(k, value, {})
  }

  it('keeps at most SITE_CACHE_MAX_ENTRIES entries, dropping the least recently used first', async () => {
    const cache = await cacheWith(
      '10',
      () =>
        // @ts-expect-error plain JS module loaded by Next at run time
        import('../../apps/web/cache-handler.mjs?small'),
    )
    const keys = Array.from({ length: 30 }, (_, i) => `/p${i}`)
    for (const k of keys.slice(0, 8)) {
      await request(cache, k, page(['t']))
      await request(cache, k, page(['t'])) // asked for again: kept
    }
    for (const k of keys.slice(8)) await request(cache, k, page(['t']))
    const kept = await Promise.all(keys.map(async (k) => (await has(cache, k)) as boolean))
    expect(kept.filter(Boolean).length).toBeLessThanOrEqual(10)
    expect(kept.slice(0, 8)).toEqual(Array(8).fill(true))
    expect(kept.slice(8, 28).some(Boolean)).toBe(false)
  })

  it('5,400 requests for random slugs do not evict the pages readers come back to', async () => {
    const cache = await cacheWith(
      '5000',
      () =>
        // @ts-expect-error plain JS module loaded by Next at run time
        import('../../apps/web/cache-handler.mjs?flood'),
    )
    const real = Array.from({ length: 50 }, (_, i) => `/guides/real-${i}`)
    for (const k of real) await request(cache, k, page([`guide:${k}`]))
    for (const k of real) await request(cache, k, page([`guide:${k}`])) // readers came back
    // A random slug: the page is "not found" (never kept) but the CMS read that found nothing is.
    for (let i = 0; i < 5400; i++) {
      const slug = `random-${i}-${Math.random().toString(36).slice(2)}`
      await request(cache, `cms:/api/articles?slug=${slug}`, fetched())
      await request(cache, `/guides/${slug}`, null)
    }
    const kept = await Promise.all(real.map((k) => has(cache, k)))
    expect(kept.every(Boolean)).toBe(true)
  })

  it('a page asked for once can be pushed out by a flood; one asked for twice cannot', async () => {
    const cache = await cacheWith(
      '100',
      () =>
        // @ts-expect-error plain JS module loaded by Next at run time
        import('../../apps/web/cache-handler.mjs?once'),
    )
    await request(cache, '/once', page(['t']))
    await request(cache, '/twice', page(['t']))
    await request(cache, '/twice', page(['t']))
    for (let i = 0; i < 500; i++) await request(cache, `/miss-${i}`, fetched())
    expect(await has(cache, '/once')).toBe(false)
    expect(await has(cache, '/twice')).toBe(true)
  })
})
