/**
 * The shared page cache on a real Redis (apps/web/cache-redis.mjs): two handles stand for two site
 * instances. Entries and revalidations are shared; a fresh instance (a restart) never serves what
 * was revalidated; while Redis is away nothing is trusted or stored and a revalidation fails
 * loudly; after it comes back, entries written before the outage are retired (epoch), because a
 * revalidation may have been missed meanwhile.
 *
 * The outage test runs its own redis-server (Debian's) on REDIS_TEST_PORT (default 6490) with an
 * append-only file, so its data survives the restart like a persistent production Redis would.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSharedCache } from '../../apps/web/cache-redis.mjs'
import { eventually } from '../helpers/poll'

// The topology runner passes its own Redis; alone, the machine's default one.
const SHARED_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const page = (tags: string[], html = '<p>page</p>') => ({ kind: 'PAGES', html, pageData: { pageProps: { cacheTags: tags } }, headers: {}, status: 200 })
const appPage = () => ({
  kind: 'APP_PAGE',
  html: '<p>app</p>',
  rscData: Buffer.from([1, 2, 3, 250]),
  segmentData: new Map([['/seg', Buffer.from('x')]]),
  headers: { 'x-next-cache-tags': 'guides,guide:a' },
  status: 200,
})

type Shared = ReturnType<typeof createSharedCache>
const opened: Shared[] = []
const open = (opts: Record<string, unknown>): Shared => {
  const c = createSharedCache({ raceWindowMs: 0, log: () => {}, ...opts })
  opened.push(c)
  return c
}
afterAll(async () => {
  await Promise.all(opened.map((c) => c.quit()))
})

describe('the shared cache on Redis', () => {
  const prefix = `rs-test-${crypto.randomBytes(4).toString('hex')}`
  afterAll(async () => {
    const c = open({ url: SHARED_URL, prefix })
    await eventually(async () => c.trusted, Boolean)
    const keys = await c.client.keys(`${prefix}:*`)
    if (keys.length) await c.client.del(...keys)
  })

  it('an entry written by one instance is served by the other; a revalidation on either expires it on both', async () => {
    const a = open({ url: SHARED_URL, prefix, buildId: 'b1' })
    const b = open({ url: SHARED_URL, prefix, buildId: 'b1' })
    await eventually(async () => a.trusted && b.trusted, Boolean)
    await a.set('/guides/a', page(['guide:a', 'guides'], '<p>one</p>'), {})
    expect((await b.get('/guides/a', {}))?.value.html).toBe('<p>one</p>')
    await b.revalidateTag('guide:other')
    expect((await a.get('/guides/a', {}))?.value.html).toBe('<p>one</p>')
    await b.revalidateTag(['guides'])
    expect(await a.get('/guides/a', {})).toBeNull()
    expect(await b.get('/guides/a', {})).toBeNull()
  })

  it('keeps Buffers and Maps of App Router entries intact, and soft tags count', async () => {
    const a = open({ url: SHARED_URL, prefix, buildId: 'b1' })
    await eventually(async () => a.trusted, Boolean)
    await a.set('/app', appPage(), {})
    const got = await a.get('/app', { softTags: ['_N_T_/layout'] })
    expect(Buffer.isBuffer(got?.value.rscData)).toBe(true)
    expect([...got!.value.rscData]).toEqual([1, 2, 3, 250])
    expect(got?.value.segmentData.get('/seg').toString()).toBe('x')
    await a.revalidateTag('_N_T_/layout')
    expect(await a.get('/app', { softTags: ['_N_T_/layout'] })).toBeNull()
  })

  it('a restarted instance never serves a page revalidated while nobody asked for it', async () => {
    const a = open({ url: SHARED_URL, prefix, buildId: 'b1' })
    await eventually(async () => a.trusted, Boolean)
    await a.set('/guides/quiet', page(['guide:quiet']), {})
    await a.revalidateTag('guide:quiet')
    await a.quit()
    const restarted = open({ url: SHARED_URL, prefix, buildId: 'b1' })
    await eventually(async () => restarted.trusted, Boolean)
    expect(await restarted.get('/guides/quiet', {})).toBeNull()
  })

  it('entries are per build, revalidations reach every build', async () => {
    const oldBuild = open({ url: SHARED_URL, prefix, buildId: 'old' })
    const newBuild = open({ url: SHARED_URL, prefix, buildId: 'new' })
    await eventually(async () => oldBuild.trusted && newBuild.trusted, Boolean)
    await oldBuild.set('/guides/b', page(['guide:b']), {})
    expect(await newBuild.get('/guides/b', {})).toBeNull()
    expect(await oldBuild.get('/guides/b', {})).not.toBeNull()
    await newBuild.revalidateTag('guide:b')
    expect(await oldBuild.get('/guides/b', {})).toBeNull()
  })
})

describe('the shared cache while Redis is away', () => {
  const port = Number(process.env.REDIS_TEST_PORT || 6490)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-redis-'))
  let server: ChildProcess | null = null
  const startRedis = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' })
    const probe = open({ url: `redis://127.0.0.1:${port}`, prefix: 'probe' })
    await eventually(async () => probe.trusted, Boolean, 15_000)
    await probe.quit()
  }
  const stopRedis = async () => {
    const s = server!
    await new Promise<void>((resolve) => {
      s.once('exit', () => resolve())
      s.kill('SIGTERM')
    })
    server = null
  }
  afterAll(async () => {
    if (server) await stopRedis()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('serves nothing from the cache and stores nothing while Redis is away, says so once, and retires old entries on its return', async () => {
    await startRedis()
    const lines: string[] = []
    const a = open({ url: `redis://127.0.0.1:${port}`, prefix: 'rs', buildId: 'b1', log: (m: string) => lines.push(m) })
    await eventually(async () => a.trusted, Boolean)
    await a.set('/guides/kept', page(['guide:kept'], '<p>before</p>'), {})
    expect((await a.get('/guides/kept', {}))?.value.html).toBe('<p>before</p>')

    await stopRedis()
    await eventually(
      async () => a.trusted,
      (t) => !t,
    )
    expect(a.trusted).toBe(false)
    expect(await a.get('/guides/kept', {})).toBeNull()
    await a.set('/guides/new', page(['guide:new']), {})
    // The CMS's revalidation cannot be recorded: the route answers 503 and the CMS retries.
    await expect(a.revalidateTag('guide:kept')).rejects.toThrow(/unreachable/)
    // Several failures, one line about it.
    await new Promise((r) => setTimeout(r, 1500))
    expect(lines.filter((l) => /unreachable/.test(l))).toHaveLength(1)

    await startRedis()
    await eventually(async () => a.trusted, Boolean, 15_000)
    expect(lines.some((l) => /is back/.test(l))).toBe(true)
    // The entry survived in Redis (append-only file) but its revalidation was missed: not served.
    const direct = open({ url: `redis://127.0.0.1:${port}`, prefix: 'rs', buildId: 'b1' })
    await eventually(async () => direct.trusted, Boolean)
    expect(await direct.client.exists('rs:b1:e:/guides/kept')).toBe(1)
    expect(await a.get('/guides/kept', {})).toBeNull()
    expect(await direct.get('/guides/kept', {})).toBeNull()
    // Nothing was stored during the outage; what is stored now is served again.
    expect(await direct.client.exists('rs:b1:e:/guides/new')).toBe(0)
    await a.set('/guides/kept', page(['guide:kept'], '<p>after</p>'), {})
    expect((await direct.get('/guides/kept', {}))?.value.html).toBe('<p>after</p>')
  })

  it('a Redis that hangs (connection open, no answers) is distrusted too, and trusted again once it answers', async () => {
    const lines: string[] = []
    const a = open({ url: `redis://127.0.0.1:${port}`, prefix: 'rs', buildId: 'b1', log: (m: string) => lines.push(m) })
    await eventually(async () => a.trusted, Boolean)
    await a.set('/guides/hung', page(['guide:hung'], '<p>before</p>'), {})
    server!.kill('SIGSTOP')
    try {
      // A read times out (1 s): not cached, and from then on nothing is trusted.
      expect(await a.get('/guides/hung', {})).toBeNull()
      expect(a.trusted).toBe(false)
      await expect(a.revalidateTag('guide:hung')).rejects.toThrow(/unreachable/)
    } finally {
      server!.kill('SIGCONT')
    }
    await eventually(async () => a.trusted, Boolean, 15_000)
    expect(lines.filter((l) => /unreachable/.test(l))).toHaveLength(1)
    expect(lines.some((l) => /is back/.test(l))).toBe(true)
    // Written before the hang, possibly stale: retired.
    expect(await a.get('/guides/hung', {})).toBeNull()
  })
})
