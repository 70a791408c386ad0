/**
 * Every database connection of the CMS is taken by requests stuck behind a lock (a long migration,
 * a runaway statement). A signup that cannot get a connection is refused at once with a 503 and a
 * sentence, within the pool's wait (DATABASE_POOL_WAIT_MS), instead of queueing until the site
 * gives up and tells the reader "it may have gone through"; so is a REST or GraphQL read (not a
 * bare "Something went wrong."); nothing refused is stored later; once the lock goes, everything
 * works again without a restart.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, FaultStack, cmsUrl, isSentence, request, signup, until } from './helpers'

const POOL_WAIT_MS = 2000
const POOL_SIZE = 6

describe('the CMS database pool is exhausted', () => {
  let s: FaultStack
  beforeAll(async () => {
    s = await FaultStack.start('pool_wait', { DATABASE_POOL_WAIT_MS: String(POOL_WAIT_MS), DATABASE_POOL_SIZE: String(POOL_SIZE) })
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('refuses a signup with a 503 and a sentence within the pool wait, stores nothing it refused, and recovers', async () => {
    const locker = new pg.Client({ connectionString: s.databaseUrl })
    await locker.connect()
    const email = `poolwait-${Date.now().toString(36)}@example.com`
    const blocked: Promise<Answer>[] = []
    try {
      await locker.query('begin')
      await locker.query('lock table articles in access exclusive mode')
      // More readers than the pool (DATABASE_POOL_SIZE) has connections: each holds one while it waits on the lock.
      for (let i = 0; i < POOL_SIZE + 3; i++) blocked.push(request(`${cmsUrl}/api/articles?limit=1&depth=0`, {}, 30_000))
      await new Promise((r) => setTimeout(r, 1000))

      const t0 = Date.now()
      const refused = await signup(email)
      const took = Date.now() - t0
      expect(refused.status, refused.text).toBe(503)
      expect(isSentence(refused.json?.error), refused.text).toBe(true)
      // The pool's wait plus the request's own work, well before the site's 8 s and the lock's end.
      expect(took).toBeLessThan(POOL_WAIT_MS + 3000)

      // The pool is full (the signup got no connection), so a GraphQL read gets none either.
      const graphql = await request(
        `${cmsUrl}/api/graphql`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ Articles(limit: 1) { docs { id } } }' }) },
        10_000,
      )
      const [gqlError] = graphql.json?.errors ?? []
      expect(gqlError?.extensions?.statusCode, graphql.text).toBe(503)
      expect(isSentence(gqlError?.message), graphql.text).toBe(true)

      const health = await request(`${cmsUrl}/api/health`, {}, 10_000)
      expect(health.status).toBe(503)
    } finally {
      await locker.query('commit').catch(() => {})
      await locker.end()
    }
    // Readers that got a connection are answered once the lock goes; those that got none were
    // refused with Payload's REST error shape, a 503 and a sentence (never a bare 500).
    const answers = await Promise.all(blocked)
    const statuses = answers.map((a) => a.status)
    console.log(`readers held up by the lock answered: ${statuses.join(' ')}`)
    expect(statuses).toContain(200)
    expect(statuses).toContain(503)
    expect(statuses.filter((st) => st !== 200 && st !== 503)).toEqual([])
    for (const a of answers.filter((a) => a.status === 503)) {
      expect(isSentence(a.json?.errors?.[0]?.message), a.text).toBe(true)
      expect(a.headers?.get('retry-after')).toBe('5')
    }

    // The refused signup was not queued behind the lock and stored afterwards: the reader was told to try again.
    await new Promise((r) => setTimeout(r, 3000))
    expect(await s.query('select email from subscribers where email = $1', [email])).toEqual([])

    // Recovered without a restart: the same signup is accepted now, once.
    await until('CMS /api/health answers 200', async () => (await request(`${cmsUrl}/api/health`, {}, 5_000)).status === 200, { timeoutMs: 15_000 })
    expect((await signup(email)).status).toBe(202)
    expect(await s.query('select email from subscribers where email = $1', [email])).toEqual([{ email }])
  })
})
