import { timingSafeEqual } from 'node:crypto'
import { revalidateTag } from 'next/cache'
import { MAX_TAGS_PER_REVALIDATION } from '@runsense/domain/cache-tags'

/**
 * The one revalidation endpoint. The CMS calls it after a change commits, with the tags from
 * @runsense/domain/cache-tags. Authenticated with a shared secret compared in constant time.
 */
export async function POST(request: Request) {
  const secret = process.env.REVALIDATE_SECRET
  if (!secret) return Response.json({ error: 'Revalidation is not configured (REVALIDATE_SECRET).' }, { status: 503 })
  const given = Buffer.from((request.headers.get('authorization') || '').replace(/^Bearer /, ''))
  const expected = Buffer.from(secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return Response.json({ error: 'Not allowed.' }, { status: 401 })
  }
  let body: unknown
  try {
    body = await request.json()
  } catch {
    return Response.json({ error: 'Send JSON: { "tags": ["..."] }.' }, { status: 400 })
  }
  const tags = (body as { tags?: unknown })?.tags
  if (!Array.isArray(tags) || tags.length === 0 || tags.length > MAX_TAGS_PER_REVALIDATION || !tags.every((t) => typeof t === 'string' && t.length <= 200)) {
    return Response.json({ error: `Send JSON: { "tags": ["..."] } with 1 to ${MAX_TAGS_PER_REVALIDATION} tags.` }, { status: 400 })
  }
  // With the shared cache (REDIS_URL), record the tags for every instance first: if Redis cannot
  // take them, answer 503 so the CMS tries again (apps/web/cache-redis.mjs says what is trusted
  // meanwhile). Next's own revalidateTag below records them once more, harmlessly.
  const shared = (globalThis as { [k: symbol]: { revalidateTag(tags: string[]): Promise<void> } | undefined })[Symbol.for('runsense.sharedCache')]
  if (shared) {
    try {
      await shared.revalidateTag(tags)
    } catch (err) {
      return Response.json({ error: (err as Error).message }, { status: 503, headers: { 'retry-after': '1' } })
    }
  }
  // expire: 0 — the next request renders fresh content instead of serving the stale page once more.
  for (const tag of tags) revalidateTag(tag, { expire: 0 })
  return Response.json({ revalidated: tags })
}
