import type { CollectionAfterChangeHook } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { canonicalJson } from '@runsense/domain/content-hash'
import { citationData, type SourceData } from '@runsense/domain/sources'
import { execute, lockArticle } from '../../../lib/db'
import { notifySourceChanged } from '../../Articles/notifications'

/**
 * When a source's citation data changes or it is retracted, every guide citing it (live or
 * in its working copy) is flagged for re-review and its assigned reviewer is emailed. The
 * content hash covers the cited sources, so their sign-offs stop matching by themselves; the
 * live page keeps showing each source as it was signed (the snapshot taken at publishing)
 * until a re-review is published.
 */
export const flagCitingGuides: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update' || !previousDoc) return doc
  const before = canonicalJson(citationData(previousDoc as SourceData))
  const after = canonicalJson(citationData(doc as SourceData))
  if (before === after) return doc
  const retracted = doc.retracted && !previousDoc.retracted
  const reason = retracted ? `Cited source "${doc.title}" was retracted.` : `Cited source "${doc.title}" was changed.`

  const rows = await execute(
    req,
    sql`select distinct id from (
          select id from articles
            where jsonb_path_exists(body, '$.** ? (@.blockType == "citation" && @.source == $id)', jsonb_build_object('id', ${doc.id}::int))
          union
          select parent_id as id from _articles_v
            where latest = true and jsonb_path_exists(version_body, '$.** ? (@.blockType == "citation" && @.source == $id)', jsonb_build_object('id', ${doc.id}::int))
        ) cited`,
  )
  for (const { id } of rows as { id: number }[]) {
    const guide = await req.payload.update({
      collection: 'articles',
      id,
      draft: true,
      data: { reviewFlag: { flagged: true, reason, at: new Date().toISOString() } },
      overrideAccess: true,
      context: { workflow: 'flag', serverWrite: true },
      req,
    })
    const assigned = typeof guide.assignedReviewer === 'object' ? guide.assignedReviewer?.id : guide.assignedReviewer
    // Live: a published version is up (the working copy just written is always a draft).
    if (assigned) await notifySourceChanged(req, guide, assigned, reason, { live: (await lockArticle(req, id, { lock: false }))?.liveStatus === 'published' })
  }
  return doc
}
