// The site's shared page and data cache on Redis (or Valkey), used instead of the in-memory one
// when REDIS_URL is set (see cache-handler.mjs): every site instance reads and writes the same
// entries, and a revalidation received by any instance expires the tag for all of them.
//
// Layout (REDIS_KEY_PREFIX, default "runsense"):
//   <p>:tags              hash  tag → when it was last revalidated (ms, Redis server clock)
//   <p>:epoch             int   the cache generation: an entry written under an older one is ignored
//   <p>:<buildId>:e:<key> hash  v (value), lm (stored at, Redis clock), ep (epoch), tags, cc
// Entries carry a TTL (SITE_CACHE_TTL_SECONDS, default a day); the tags hash and the epoch have
// none, so a Redis that must evict (maxmemory-policy volatile-lru) drops entries, never the
// records that say which entries are stale. Entries are per build (a page rendered by another
// build references other scripts); tags and the epoch are shared by all builds, so during a
// rolling deploy a revalidation reaches old and new instances alike.
//
// Both times come from Redis's clock (TIME), so instances with skewed clocks agree on "before".
//
// Redis unreachable: nothing is trusted and nothing is stored: get answers "not cached" (the page
// is rendered from the CMS), set does nothing, revalidateTag fails (so /api/revalidate answers
// 503 and the CMS tries again). The log says so once, and once when Redis is back. A revalidation
// this instance could not deliver may have been missed by all, and entries written before the
// outage may be stale: so an instance that saw Redis fail bumps the epoch when it reconnects,
// before it trusts any entry again, which retires every entry written before.
import fs from 'node:fs'
import path from 'node:path'
import Redis from 'ioredis'

/** Entries rendered this soon after their tag was revalidated may hold data read before the change. */
export const RACE_WINDOW_MS = 2000

export function tagsOf(data, ctx) {
  if (data.kind === 'FETCH') return ctx?.tags ?? []
  if (data.kind === 'PAGES') {
    const tags = data.pageData?.pageProps?.cacheTags
    return Array.isArray(tags) ? tags.filter((t) => typeof t === 'string') : []
  }
  const header = data.headers?.['x-next-cache-tags']
  return typeof header === 'string' ? header.split(',') : []
}

// Values hold Buffers (RSC payloads, route bodies) and Maps (segment data): JSON keeps their type.
function serialize(value) {
  return JSON.stringify(value, function (key, v) {
    const raw = this[key]
    if (Buffer.isBuffer(raw)) return { __rsBuf: raw.toString('base64') }
    if (raw instanceof Map) return { __rsMap: [...raw.entries()] }
    return v
  })
}
function deserialize(text) {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object') {
      if (typeof v.__rsBuf === 'string') return Buffer.from(v.__rsBuf, 'base64')
      if (Array.isArray(v.__rsMap)) return new Map(v.__rsMap)
    }
    return v
  })
}

// One round trip per read: the entry, the current epoch and the newest revalidation of its tags.
const GET_SCRIPT = `
local h = redis.call('HMGET', KEYS[1], 'v', 'lm', 'ep', 'tags', 'cc')
if not h[1] then return false end
local epoch = redis.call('GET', KEYS[2]) or '0'
local tags = {}
for t in string.gmatch(h[4] or '', '[^,]+') do table.insert(tags, t) end
for i = 1, #ARGV do table.insert(tags, ARGV[i]) end
local newest = 0
if #tags > 0 then
  local vals = redis.call('HMGET', KEYS[3], unpack(tags))
  for i = 1, #vals do
    if vals[i] then local n = tonumber(vals[i]); if n > newest then newest = n end end
  end
end
return {h[1], h[2], h[3], epoch, tostring(newest), h[5] or ''}`

const SET_SCRIPT = `
local t = redis.call('TIME')
local now = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
local epoch = redis.call('GET', KEYS[2]) or '0'
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'lm', now, 'ep', epoch, 'tags', ARGV[2], 'cc', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return now`

const REVALIDATE_SCRIPT = `
local t = redis.call('TIME')
local now = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
for i = 1, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], now) end
return now`

function readBuildId(serverDistDir) {
  if (process.env.NEXT_BUILD_ID) return process.env.NEXT_BUILD_ID
  for (const dir of [serverDistDir && path.resolve(serverDistDir, '..'), path.join(path.dirname(new URL(import.meta.url).pathname), '.next')]) {
    if (!dir) continue
    try {
      return fs.readFileSync(path.join(dir, 'BUILD_ID'), 'utf8').trim()
    } catch {}
  }
  return 'dev'
}

/**
 * One shared-cache connection (one per process: Next creates handler objects freely).
 * `log` gets one line per change of state (unreachable / back).
 */
export function createSharedCache({
  url,
  prefix = 'runsense',
  buildId,
  ttlSeconds = 86_400,
  log = (m) => console.warn(m),
  connectTimeoutMs = 1000,
  raceWindowMs = RACE_WINDOW_MS,
} = {}) {
  const client = new Redis(url, {
    // A command while disconnected fails at once (the page renders from the CMS) instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    commandTimeout: 1000,
    // Reconnect for ever, at most every 2 s.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: false,
  })
  client.defineCommand('rsGet', { numberOfKeys: 3, lua: GET_SCRIPT })
  client.defineCommand('rsSet', { numberOfKeys: 2, lua: SET_SCRIPT })
  client.defineCommand('rsRevalidate', { numberOfKeys: 1, lua: REVALIDATE_SCRIPT })

  const keys = { tags: `${prefix}:tags`, epoch: `${prefix}:epoch`, entry: (key) => `${prefix}:${buildId ?? 'dev'}:e:${key}` }
  // trusted: connected, and (after any failure) the epoch has been bumped since.
  let trusted = false
  let sawFailure = false
  let closed = false
  let recovering = null

  // After a failure: until a generation bump succeeds, nothing is trusted. Tried every 500 ms, so
  // a Redis that hung (commands time out, the connection stays open: no new "ready") is noticed too.
  const recover = () => {
    recovering ??= (async () => {
      while (!trusted && !closed) {
        if (client.status === 'ready') {
          try {
            const epoch = await client.incr(keys.epoch)
            trusted = true
            sawFailure = false
            log(`Shared cache (Redis) is back: entries written before the outage are retired (generation ${epoch}).`)
            break
          } catch {}
        }
        await new Promise((r) => setTimeout(r, 500).unref?.())
      }
    })().finally(() => (recovering = null))
  }
  const fail = (err) => {
    if (!sawFailure || trusted) log(`Shared cache (Redis) unreachable: pages are rendered from the CMS and not cached until it is back (${err?.message ?? err}).`)
    trusted = false
    sawFailure = true
    if (!closed) recover()
  }
  client.on('ready', () => {
    if (!sawFailure) trusted = true
    else recover()
  })
  client.on('error', (err) => fail(err))
  client.on('close', () => trusted && fail(new Error('connection closed')))

  return {
    client,
    keys,
    get trusted() {
      return trusted
    },
    async get(key, ctx) {
      if (!trusted) return null
      let row
      try {
        row = await client.rsGet(keys.entry(key), keys.epoch, keys.tags, ...(ctx?.softTags ?? []))
      } catch (err) {
        fail(err)
        return null
      }
      if (!row || !trusted) return null
      const [v, lm, ep, epoch, newest, cc] = row
      const lastModified = Number(lm)
      if (Number(ep) !== Number(epoch)) return null
      if (Number(newest) >= lastModified - raceWindowMs) return null
      return { value: deserialize(v), lastModified, cacheControl: cc ? JSON.parse(cc) : undefined }
    },
    async set(key, data, ctx) {
      if (!trusted) return
      try {
        // null is a Pages Router "notFound": not kept (see cache-handler.mjs).
        if (!data) return void (await client.del(keys.entry(key)))
        await client.rsSet(
          keys.entry(key),
          keys.epoch,
          serialize(data),
          tagsOf(data, ctx).join(','),
          ctx?.cacheControl ? JSON.stringify(ctx.cacheControl) : '',
          String(ttlSeconds * 1000),
        )
      } catch (err) {
        fail(err)
      }
    },
    /** Throws when the tags could not be recorded (the caller answers 503; the CMS retries). */
    async revalidateTag(tags) {
      const list = [tags].flat().filter(Boolean)
      if (!list.length) return
      try {
        await client.rsRevalidate(keys.tags, ...list)
      } catch (err) {
        fail(err)
        throw new Error(`Shared cache (Redis) unreachable: revalidation of ${list.join(', ')} not recorded.`, { cause: err })
      }
    },
    quit: () => {
      closed = true
      return client.quit().catch(() => client.disconnect())
    },
  }
}

const SHARED = Symbol.for('runsense.sharedCache')

/** The process's shared cache (created on first use from REDIS_URL). */
export function sharedCache(serverDistDir) {
  globalThis[SHARED] ??= createSharedCache({
    url: process.env.REDIS_URL,
    prefix: process.env.REDIS_KEY_PREFIX || 'runsense',
    buildId: readBuildId(serverDistDir),
    ttlSeconds: Number(process.env.SITE_CACHE_TTL_SECONDS) > 0 ? Number(process.env.SITE_CACHE_TTL_SECONDS) : 86_400,
    log: (m) => console.warn(m),
  })
  return globalThis[SHARED]
}

/** Next's cacheHandler over the shared cache. */
export default class SharedRedisCache {
  constructor(options = {}) {
    this.shared = sharedCache(options.serverDistDir)
  }
  get(key, ctx) {
    return this.shared.get(key, ctx)
  }
  set(key, data, ctx) {
    return this.shared.set(key, data, ctx)
  }
  revalidateTag(tags) {
    return this.shared.revalidateTag(tags)
  }
  resetRequestCache() {}
}
