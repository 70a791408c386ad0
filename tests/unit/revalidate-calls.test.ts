/**
 * How the CMS tells the site which cache tags changed (apps/cms/src/lib/revalidate.ts), against a
 * stand-in for the site's /api/revalidate that refuses more tags a call than the real one takes.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_TAGS_PER_REVALIDATION } from '@runsense/domain/cache-tags'
import { revalidateSite } from '../../apps/cms/src/lib/revalidate'

const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as Console
let server: Server | null = null
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(null))
  server = null
})

/** A site that answers `status` (200 when it takes the call) and records each call's tags. */
async function site(status: (tags: string[]) => number) {
  const calls: string[][] = []
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const { tags } = JSON.parse(body) as { tags: string[] }
      calls.push(tags)
      res.writeHead(tags.length > MAX_TAGS_PER_REVALIDATION ? 400 : status(tags)).end('{}')
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  process.env.SITE_INTERNAL_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.REVALIDATE_SECRET = 'test-secret'
  return calls
}

describe('revalidateSite', () => {
  it('sends more tags than one call takes in several calls, every tag once', async () => {
    const calls = await site(() => 200)
    const tags = Array.from({ length: 2 * MAX_TAGS_PER_REVALIDATION + 50 }, (_, i) => `guide:overdue-${i}`)
    expect(await revalidateSite(tags, quiet, 1)).toBe(true)
    expect(calls.map((c) => c.length)).toEqual([MAX_TAGS_PER_REVALIDATION, MAX_TAGS_PER_REVALIDATION, 50])
    expect(calls.flat()).toEqual(tags)
  })

  it('does not ask again at once when the site refuses the request itself (4xx); a 5xx is asked again', async () => {
    const refused = await site(() => 401)
    expect(await revalidateSite(['guides'], quiet, 3)).toBe(false)
    expect(refused).toHaveLength(1)
    await new Promise((r) => server!.close(r))
    const unavailable = await site(() => 503)
    expect(await revalidateSite(['guides'], quiet, 3)).toBe(false)
    expect(unavailable).toHaveLength(3)
  })
})
