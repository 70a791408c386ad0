// Anonymous reads of published content, answered from memory while nothing they show has changed.
//
// The site reads guides, reviewers, topics, sources, sent newsletter issues and the editorial
// policy from the CMS without signing in, and every anonymous reader of one address gets the same
// answer. Going through Next and Payload costs tens of milliseconds per read; this cache answers a
// repeated read in well under one. It is exact, not timed: every table whose rows such a read can
// show bumps one counter, `runsense_content_generation`, in the writing transaction itself
// (statement triggers, see the migration `content_generation`), so the counter moves exactly when
// such a change commits, on whichever CMS instance or job made it, even by raw SQL. An answer is
// stored under the counter's value read *before* the read it answers, and served only while the
// counter still has that value.
//
// With read replicas, the counter is read from every replica and the smallest value is used: an
// answer read from any replica is then at least as new as its label, and after a change a read
// is served from memory only once every replica has the change.
//
// Anything else goes straight through: a request with credentials (an Authorization header or any
// cookie), another method, another path, or when the counter cannot be read. Only 200 answers
// without Set-Cookie are kept. CMS_READ_CACHE=off turns it off; CMS_READ_CACHE_ENTRIES (2000) and CMS_READ_CACHE_MB (64) bound it.
import pg from 'pg'

/** The anonymous, public reads worth keeping (the site's reads; see apps/web/src/lib/content.ts). */
export const CACHED_PATHS = [
  '/api/articles',
  '/api/reviewers',
  '/api/topics',
  '/api/sources',
  '/api/newsletter-issues',
  '/api/globals/editorial-policy',
  '/api/reviewer-passkeys/published/',
]

export const isCacheable = (req) => {
  if (req.method !== 'GET' || req.headers.authorization || req.headers.cookie) return false
  const path = (req.url ?? '').split('?')[0]
  // /api/articles/:id/workflow and other staff endpoints answer 401 anonymously; never kept anyway.
  return CACHED_PATHS.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`)))
}

function urlsOf(value) {
  return (value || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * `handle(req, res, next)`: answers from memory, or calls next() and keeps what it answers (the
 * response header x-runsense-read-cache says which). `readGeneration` replaces the database read
 * of the counter (unit tests).
 * @param {{ databaseUrl?: string, replicaUrls?: string[], maxEntries?: number, maxBytes?: number, log?: Pick<Console, 'warn'>, readGeneration?: (() => Promise<bigint>) | null }} [options]
 */
export function createReadCache({ databaseUrl, replicaUrls = [], maxEntries = 2000, maxBytes = 64 * 1024 * 1024, log = console, readGeneration = null } = {}) {
  // Bounded in count and in bytes (anyone can ask for many different addresses); an answer larger
  // than a sixteenth of the budget is never kept.
  const maxEntryBytes = Math.floor(maxBytes / 16)
  let bytes = 0
  const pools = (readGeneration ? [] : replicaUrls.length ? replicaUrls : [databaseUrl]).map((connectionString) => {
    const pool = new pg.Pool({ connectionString, max: 4, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 1000 })
    pool.on('error', () => {}) // a dropped idle connection (Postgres restarted): the next query reconnects
    return pool
  })
  const entries = new Map()
  let warned = false

  function drop(key) {
    const old = entries.get(key)
    if (!old) return
    bytes -= old.body.length
    entries.delete(key)
  }

  async function generation() {
    if (readGeneration) return readGeneration()
    const values = await Promise.all(pools.map((p) => p.query('select gen from runsense_content_generation where id = 1').then((r) => BigInt(r.rows[0].gen))))
    return values.reduce((a, b) => (b < a ? b : a))
  }

  async function handle(req, res, next) {
    if (!isCacheable(req)) return next()
    let gen
    try {
      gen = await generation()
    } catch (err) {
      if (!warned) log.warn(`Read cache: the content generation could not be read (${err.message}); reads go through uncached.`)
      warned = true
      return next()
    }
    warned = false
    const key = req.url
    const hit = entries.get(key)
    if (hit && hit.gen === gen) {
      // Most recently used last: the oldest are dropped first.
      entries.delete(key)
      entries.set(key, hit)
      res.writeHead(200, { ...hit.headers, 'content-length': hit.body.length, 'x-runsense-read-cache': 'hit' })
      res.end(hit.body)
      return
    }
    // Uncompressed from Next, so one stored answer suits every client.
    delete req.headers['accept-encoding']
    const chunks = []
    const write = res.write.bind(res)
    const end = res.end.bind(res)
    res.setHeader('x-runsense-read-cache', 'miss')
    const keep = (chunk, encoding) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'))
    }
    res.write = (chunk, ...rest) => {
      keep(chunk, rest[0])
      return write(chunk, ...rest)
    }
    res.end = (chunk, ...rest) => {
      keep(chunk, rest[0])
      if (res.statusCode === 200 && !res.getHeader('set-cookie')) {
        const headers = {}
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'x-runsense-read-cache'].includes(name)) headers[name] = value
        }
        const body = Buffer.concat(chunks)
        if (body.length <= maxEntryBytes) {
          drop(key)
          entries.set(key, { gen, headers, body })
          bytes += body.length
          while (entries.size > maxEntries || bytes > maxBytes) drop(entries.keys().next().value)
        }
      }
      return end(chunk, ...rest)
    }
    return next()
  }

  return { handle, size: () => ({ entries: entries.size, bytes }), close: () => Promise.all(pools.map((p) => p.end())) }
}

/** The cache server.mjs uses, from env; null when it is off or there is no database URL. */
export function readCacheFromEnv(env = process.env) {
  if (env.CMS_READ_CACHE === 'off' || !env.DATABASE_URL) return null
  return createReadCache({
    databaseUrl: env.DATABASE_URL,
    replicaUrls: urlsOf(env.DATABASE_REPLICA_URLS),
    maxEntries: Number(env.CMS_READ_CACHE_ENTRIES) || 2000,
    maxBytes: (Number(env.CMS_READ_CACHE_MB) || 64) * 1024 * 1024,
  })
}
