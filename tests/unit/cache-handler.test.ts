import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
// @ts-expect-error plain JS module loaded by Next at run time
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
  it('keeps at most SITE_CACHE_MAX_ENTRIES entries, dropping the least recently used first', async () => {
    vi.resetModules()
    process.env.SITE_CACHE_MAX_ENTRIES = '3'
    try {
      // @ts-expect-error plain JS module loaded by Next at run time
      const { default: Small } = await import('../../apps/web/cache-handler.mjs?small')
      const cache = new Small()
      for (const k of ['/a', '/b', '/c']) await cache.set(k, page(['t']), {})
      await cache.get('/a', { kind: 'PAGES' }) // /a is now the most recently used
      await cache.set('/d', page(['t']), {})
      const kept = await Promise.all(['/a', '/b', '/c', '/d'].map(async (k) => (await cache.get(k, { kind: 'PAGES' })) !== null))
      expect(kept).toEqual([true, false, true, true])
    } finally {
      delete process.env.SITE_CACHE_MAX_ENTRIES
    }
  })
})
