/**
 * The CMS read cache's rules, on real node:http requests against a stand-in for Next (the
 * content generation is a variable here; tests/int/read-cache.int.test.ts runs it on the CMS).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createReadCache } from '../../apps/cms/read-cache.mjs'

type Behind = (req: IncomingMessage, res: ServerResponse) => void
const servers: Server[] = []

async function start(options: Record<string, unknown>, behind: Behind) {
  let gen = 1n
  const calls: string[] = []
  const cache = createReadCache({ readGeneration: async () => gen, ...options })
  const server = createServer((req, res) => {
    void cache.handle(req, res, () => {
      calls.push(req.url ?? '')
      behind(req, res)
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers })
    return { status: res.status, cache: res.headers.get('x-runsense-read-cache'), text: await res.text() }
  }
  return { get, calls, cache, bump: () => (gen += 1n) }
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))))
})

const json =
  (body: string, status = 200, headers: Record<string, string> = {}): Behind =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(body)
  }

describe('the CMS read cache', () => {
  it('answers a repeated anonymous read from memory until the content generation moves', async () => {
    let n = 0
    const s = await start({}, (req, res) => json(`{"n":${++n}}`)(req, res))
    expect(await s.get('/api/topics?limit=5')).toMatchObject({ cache: 'miss', text: '{"n":1}' })
    expect(await s.get('/api/topics?limit=5')).toMatchObject({ cache: 'hit', text: '{"n":1}' })
    s.bump()
    expect(await s.get('/api/topics?limit=5')).toMatchObject({ cache: 'miss', text: '{"n":2}' })
    expect(s.calls).toHaveLength(2)
  })

  it('never serves or keeps reads with credentials, other paths or methods, non-200 answers or answers that set cookies', async () => {
    const s = await start({}, json('{}'))
    for (let i = 0; i < 2; i++) {
      expect((await s.get('/api/topics', { cookie: 'payload-token=x' })).cache).toBeNull()
      expect((await s.get('/api/topics', { authorization: 'JWT x' })).cache).toBeNull()
      expect((await s.get('/api/users?limit=1')).cache).toBeNull()
      expect((await s.get('/admin')).cache).toBeNull()
    }
    const refused = await start({}, json('{"errors":[]}', 403))
    await refused.get('/api/articles')
    expect((await refused.get('/api/articles')).cache).toBe('miss')
    const cookie = await start({}, json('{}', 200, { 'set-cookie': 'a=b' }))
    await cookie.get('/api/articles')
    expect((await cookie.get('/api/articles')).cache).toBe('miss')
  })

  it('is bounded in bytes: the oldest answers go first, and an answer too large is never kept', async () => {
    const big = 'x'.repeat(300)
    const s = await start({ maxBytes: 16 * 100 * 4 }, (req, res) => json(req.url === '/api/sources?huge' ? 'y'.repeat(500) : big)(req, res)) // 6,400 bytes; entries up to 400
    await s.get('/api/sources?huge')
    expect((await s.get('/api/sources?huge')).cache).toBe('miss')
    for (let i = 0; i < 30; i++) await s.get(`/api/sources?page=${i}`)
    expect(s.cache.size().bytes).toBeLessThanOrEqual(6400)
    expect((await s.get('/api/sources?page=29')).cache).toBe('hit')
    expect((await s.get('/api/sources?page=0')).cache).toBe('miss')
  })
})
