import { afterAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import type { Reviewer } from '@runsense/types'
import { dropDatabase, ensureDatabase } from '../../scripts/lib/embedded-pg.mjs'
import { localPayload } from '../helpers/payload'
import { guideData, lexical } from '../helpers/api'

describe('migrations', () => {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/runsense_migrate_${Date.now()}`
  let payload: Payload | undefined

  afterAll(async () => {
    await payload?.destroy()
    await dropDatabase(url.toString())
  })

  it('apply to an empty database and give a working schema', async () => {
    await ensureDatabase(url.toString())
    payload = await localPayload(url.toString())
    // The same committed migrations the CMS runs on boot (prodMigrations).
    const { migrations } = await import('../../apps/cms/src/migrations')
    await payload.db.migrate({ migrations: migrations as never })
    const { docs } = await payload.find({ collection: 'payload-migrations', limit: 100 })
    expect(docs.map((d) => d.name).sort()).toEqual(migrations.map((m) => m.name).sort())
    const reviewer = await payload.create({ collection: 'reviewers', data: { name: 'Migration Check', role: 'Test' } as Reviewer /* the slug comes from the collection's hook */ })
    expect(reviewer.slug).toBe('migration-check')
  })

  it('20261202_010000 gives guides published before source snapshots their snapshot, and flags one whose sources changed since its sign-off', async () => {
    const p = payload!
    const { createLocalReq } = await import('payload')
    const { sql } = await import('@payloadcms/db-postgres')
    const { hashOf } = await import('../../apps/cms/src/collections/Articles/content')
    const db = (p.db as unknown as { drizzle: { execute(q: unknown): Promise<{ rows: Record<string, unknown>[] }> } }).drizzle
    const reviewer = await p.create({ collection: 'reviewers', data: { name: 'Legacy Reviewer', role: 'Test' } as Reviewer })
    /** A guide as published before snapshots: signed (with the sources as they were then), no citedSources. */
    const legacy = async (title: string) => {
      const source = await p.create({ collection: 'sources', data: { title, authors: ['Doe J'], year: 2019 } })
      const content = guideData({ body: lexical('A claim.', [source.id]) })
      const guide = await p.create({
        collection: 'articles',
        draft: false,
        context: { workflow: 'import' },
        data: {
          ...content,
          stage: 'published',
          _status: 'published',
          signOff: { reviewer: reviewer.id, at: '2026-06-09T12:00:00.000Z', hash: 'set below', version: 'import' },
        } as never,
      })
      // Signed: the hash of the text as stored, with the source as it is now.
      const stored = await p.findByID({ collection: 'articles', id: guide.id, draft: false, depth: 0 })
      await db.execute(sql`update articles set sign_off_hash = ${hashOf(stored, [source])} where id = ${guide.id}`)
      await db.execute(sql`update articles set cited_sources = null where id = ${guide.id}`)
      await db.execute(sql`update _articles_v set version_cited_sources = null where parent_id = ${guide.id}`)
      return { guide, source }
    }
    const unchanged = await legacy('Legacy study, as signed')
    const changed = await legacy('Legacy study, before')
    // Changed after the sign-off, straight in the database (as before snapshots: no flag, no record).
    await db.execute(sql`update sources set title = 'Legacy study, after' where id = ${changed.source.id}`)

    const { up } = await import('../../apps/cms/src/migrations/20261202_010000_cited_sources_backfill')
    await up({ db, payload: p, req: await createLocalReq({}, p) } as never)

    const rows = async (id: number) =>
      (await db.execute(sql`select cited_sources, review_flag_flagged, review_flag_reason from articles where id = ${id}`)).rows[0] as {
        cited_sources: { id: number; title: string }[] | null
        review_flag_flagged: boolean | null
        review_flag_reason: string | null
      }
    const a = await rows(unchanged.guide.id)
    expect(a.cited_sources).toEqual([expect.objectContaining({ id: unchanged.source.id, title: 'Legacy study, as signed' })])
    expect(a.review_flag_flagged ?? false).toBe(false)
    const b = await rows(changed.guide.id)
    expect(b.cited_sources).toEqual([expect.objectContaining({ id: changed.source.id, title: 'Legacy study, after' })])
    expect(b.review_flag_flagged).toBe(true)
    expect(b.review_flag_reason).toMatch(/changed since/)
  })
})
