// The site's page and data cache (Next's `cacheHandler`): rendered pages and CMS reads, kept in
// this process's memory and expired by cache tag, so the CMS's one revalidation call
// (POST /api/revalidate with tags from @runsense/domain/cache-tags) reaches every kind of entry:
//   - CMS reads (unstable_cache in src/lib/content.ts, stored with their tags) and any App
//     Router page or route (Next records the tags of what it read),
//   - static Pages Router pages, which Next does not tag: such a page names its tags in the
//     prop `cacheTags` (see src/lib/pageCache.ts), read here when the page is stored.
// Why not Next's file-system cache: it remembers revalidated tags only in memory but keeps
// pages on disk, so after a restart a page that was revalidated but not yet re-rendered (an
// unpublished guide, say) would be served again. Here a restart simply starts empty and every
// page is rendered again from the CMS on its first request.
//
// With REDIS_URL set, every site instance shares one cache on Redis instead (cache-redis.mjs):
// same tags, same rules, and the same restart guarantee, since the revalidation times live in
// Redis beside the entries.
import SharedRedisCache, { RACE_WINDOW_MS, tagsOf } from './cache-redis.mjs'

const MAX_ENTRIES = Math.max(2, Number(process.env.SITE_CACHE_MAX_ENTRIES) || 5000)

// Scan resistance (a segmented LRU): a new entry starts "on probation" and is kept in the
// protected segment only once it is asked for again. Requests for addresses nobody reads twice
// (5,000 random guide slugs, random ?page= numbers: each stores a CMS read that found nothing)
// only ever push each other out of the probation segment, never the pages readers come back to.
const PROBATION_MAX = Math.max(1, Math.floor(MAX_ENTRIES / 5))
const PROTECTED_MAX = MAX_ENTRIES - PROBATION_MAX

/** key → { value, lastModified, tags, cacheControl }; Map order is least recently used first. */
const probation = new Map()
const protectedEntries = new Map()
/** tag → when it was last revalidated (ms since the epoch). */
const revalidatedAt = new Map()

const trim = (map, max) => {
  while (map.size > max) map.delete(map.keys().next().value)
}

const isExpired = (tags, lastModified) => tags.some((tag) => (revalidatedAt.get(tag) ?? -Infinity) >= lastModified - RACE_WINDOW_MS)

export class TaggedMemoryCache {
  async get(key, ctx) {
    const entry = protectedEntries.get(key) ?? probation.get(key)
    if (!entry) return null
    if (isExpired([...entry.tags, ...(ctx?.softTags ?? [])], entry.lastModified)) {
      protectedEntries.delete(key)
      probation.delete(key)
      return null
    }
    // Asked for again: (re)joins the protected segment as its most recently used entry; the
    // protected segment's least recently used entry goes back on probation.
    probation.delete(key)
    protectedEntries.delete(key)
    protectedEntries.set(key, entry)
    while (protectedEntries.size > PROTECTED_MAX) {
      const [oldKey, oldEntry] = protectedEntries.entries().next().value
      protectedEntries.delete(oldKey)
      probation.set(oldKey, oldEntry)
    }
    trim(probation, PROBATION_MAX)
    return { value: entry.value, lastModified: entry.lastModified, cacheControl: entry.cacheControl }
  }

  async set(key, data, ctx) {
    // null is a Pages Router "notFound": not kept, so a guide published under this address
    // shows at once (the CMS answers a missing slug cheaply).
    if (!data) {
      protectedEntries.delete(key)
      probation.delete(key)
      return
    }
    const entry = { value: data, lastModified: Date.now(), tags: tagsOf(data, ctx), cacheControl: ctx?.cacheControl }
    // A page rendered again (after a revalidation) keeps its place; a new one starts on probation.
    if (protectedEntries.has(key)) {
      protectedEntries.delete(key)
      protectedEntries.set(key, entry)
      return
    }
    probation.delete(key)
    probation.set(key, entry)
    trim(probation, PROBATION_MAX)
  }

  async revalidateTag(tags) {
    const now = Date.now()
    for (const tag of [tags].flat()) revalidatedAt.set(tag, now)
  }

  resetRequestCache() {}
}

export default process.env.REDIS_URL ? SharedRedisCache : TaggedMemoryCache
