/**
 * The CMS's read cache (apps/cms/read-cache.mjs): anonymous reads of published content answered
 * from memory while nothing they show has changed, expired exactly by the content generation that
 * the database moves in every writing transaction of a content table.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_TABLES, PRIVATE_TABLES } from '../../apps/cms/src/lib/contentTables'
import { act, cmsUrl, guideAt, rest, reviewerIds } from '../helpers/api'

// Exactly what the site asks for its lists (apps/web/src/lib/content.ts, listGuides).
const LIST =
  '/api/articles?where[_status][equals]=published&joins=false&depth=1&limit=50&page=1&sort=-lastReviewedAt' +
  ['title', 'slug', 'summary', 'lastReviewedAt', 'updatedAt', 'reviewer'].map((f) => `&select[${f}]=true`).join('')

const anonymous = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${cmsUrl()}${path}`, { headers })
  return { status: res.status, cache: res.headers.get('x-runsense-read-cache'), text: await res.text() }
}

let db: pg.Client
const generation = async () => BigInt((await db.query('select gen from runsense_content_generation where id = 1')).rows[0].gen)

beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await db.connect()
})
afterAll(async () => {
  await db?.end()
})

describe('which tables move the content generation', () => {
  it('every table is listed as content or private, and every content table moves the generation in its writing transaction', async () => {
    const tables = (await db.query(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename as string)
    const listed = new Set<string>([...CONTENT_TABLES, ...PRIVATE_TABLES])
    expect(
      tables.filter((t) => !listed.has(t)),
      'add each to CONTENT_TABLES (with the trigger, in a migration) or PRIVATE_TABLES in apps/cms/src/lib/contentTables.ts',
    ).toEqual([])
    const triggered = new Set(
      (await db.query(`select c.relname from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname = 'runsense_content_generation'`)).rows.map(
        (r) => r.relname as string,
      ),
    )
    expect(CONTENT_TABLES.filter((t) => !triggered.has(t))).toEqual([])
    expect(PRIVATE_TABLES.filter((t) => triggered.has(t))).toEqual([])
  })

  it('moves on a content write, even by raw SQL, and not on a private one; a rolled-back write leaves it', async () => {
    const before = await generation()
    await db.query(`update topics set updated_at = updated_at where id = (select min(id) from topics)`)
    const afterContent = await generation()
    expect(afterContent).toBeGreaterThan(before)
    await db.query(`update subscribers set updated_at = updated_at where id = (select min(id) from subscribers)`)
    expect(await generation()).toBe(afterContent)
    await db.query('begin')
    await db.query(`update reviewers set updated_at = updated_at`)
    await db.query('rollback')
    expect(await generation()).toBe(afterContent)
  })
})

describe('anonymous reads', () => {
  it('a repeated read is answered from memory, byte for byte, until something it shows changes', async () => {
    const first = await anonymous(LIST)
    expect(first.status).toBe(200)
    const second = await anonymous(LIST)
    expect(second.cache).toBe('hit')
    expect(second.text).toBe(first.text)

    // A reviewer shown in the list changes: the next read is fresh at once (no timer).
    const { raphael } = await reviewerIds()
    const role = `Founder ${Date.now().toString(36)}`
    const original = (await rest('GET', `/api/reviewers/${raphael}?depth=0`, { as: 'admin' })).body.role
    try {
      expect((await rest('PATCH', `/api/reviewers/${raphael}`, { as: 'admin', body: { role } })).status).toBe(200)
      const after = await anonymous(LIST)
      expect(after.cache).toBe('miss')
      expect(after.text).toContain(role)
      expect((await anonymous(LIST)).cache).toBe('hit')
    } finally {
      await rest('PATCH', `/api/reviewers/${raphael}`, { as: 'admin', body: { role: original } })
    }
  })

  it('a guide published through the workflow is in the very next read, and gone from it after unpublishing', async () => {
    await anonymous(LIST)
    expect((await anonymous(LIST)).cache).toBe('hit')
    const guide = await guideAt('published')
    const after = await anonymous(LIST)
    expect(after.text).toContain(guide.slug)
    expect((await act(guide.id, 'editor', 'unpublish')).status).toBe(200)
    expect((await anonymous(LIST)).text).not.toContain(guide.slug)
  })

  it('is never used with credentials, for writes, or for staff-only paths', async () => {
    await anonymous('/api/topics?limit=5&depth=0')
    expect((await anonymous('/api/topics?limit=5&depth=0')).cache).toBe('hit')
    // Any cookie or Authorization header: straight through, never stored or served from memory.
    expect((await anonymous('/api/topics?limit=5&depth=0', { cookie: 'payload-token=x' })).cache).toBeNull()
    expect((await anonymous('/api/topics?limit=5&depth=0', { authorization: 'JWT x' })).cache).toBeNull()
    // Staff-only reads answer 401 anonymously, and are never kept.
    for (const path of ['/api/subscribers?limit=1', '/api/users?limit=1', '/api/reader-reports?limit=1']) {
      const res = await anonymous(path)
      expect(res.cache, path).toBeNull()
      expect(res.status, path).not.toBe(200)
    }
    // A draft is never shown to anonymous readers, cached or not.
    const draft = await guideAt('draft')
    await anonymous(`/api/articles?where[slug][equals]=${draft.slug}&draft=true`)
    const again = await anonymous(`/api/articles?where[slug][equals]=${draft.slug}&draft=true`)
    expect(JSON.parse(again.text).docs).toEqual([])
  })
})
