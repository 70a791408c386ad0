import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'
import type { Article } from '@runsense/types'
import { citedSources, hashOf, sourceSnapshot } from '../collections/Articles/content'

const REASON = 'Its cited sources were not recorded with its sign-off, and they changed since: the live page shows them as they are now until a re-review is published.'

/**
 * Guides published before the source snapshot existed (20261130_155428_signed_content) have none,
 * and readers saw their sources live: an edit of a source changed the live page before any review.
 * Each gets the snapshot now, so the site shows only snapshots. When the sources as they are now
 * hash with the text to the sign-off, the snapshot is what was signed; otherwise nobody can know
 * what was, so the snapshot is today's wording and the guide is flagged for re-review, in words.
 */
export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  const rows = (await db.execute(sql`select id from articles where _status = 'published' and cited_sources is null`)).rows as { id: number }[]
  for (const { id } of rows) {
    const live = (await payload.findByID({ collection: 'articles', id, draft: false, depth: 0, overrideAccess: true, req })) as Article
    const sources = await citedSources(req, [live])
    const snapshot = JSON.stringify(sourceSnapshot(live, sources))
    const signed = live.signOff?.hash === hashOf(live, sources)
    await db.execute(sql`update articles set cited_sources = ${snapshot}::jsonb where id = ${id}`)
    await db.execute(sql`update _articles_v set version_cited_sources = ${snapshot}::jsonb where parent_id = ${id} and version__status = 'published' and version_cited_sources is null`)
    if (!signed) {
      await db.execute(sql`update articles set review_flag_flagged = true, review_flag_reason = ${REASON}, review_flag_at = now() where id = ${id}`)
      await db.execute(
        sql`update _articles_v set version_review_flag_flagged = true, version_review_flag_reason = ${REASON}, version_review_flag_at = now() where parent_id = ${id} and latest = true`,
      )
    }
  }
}

// Nothing to undo: the snapshots are what readers are now shown, and they stay valid data.
export async function down(_args: MigrateDownArgs): Promise<void> {}
