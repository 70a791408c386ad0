import type { CollectionAfterChangeHook } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { canonicalJson } from '@runsense/domain/content-hash'
import { citationData, type SourceData } from '@runsense/domain/sources'
import { execute, lockArticle } from '../../../lib/db'
import { serverWriteReq } from '../../../lib/serverWrite'
import { citedSources, hashOf } from '../../Articles/content'
import { notifySourceChanged } from '../../Articles/notifications'
import { recordWorkflowEvent } from '../../WorkflowEvents'

/**
 * When a source's citation data changes or it is retracted, every guide citing it (live or
 * in its working copy) is flagged for re-review and its assigned reviewer is emailed; one in
 * medical review goes back to editorial review (as an edit of its text would). The
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
    // Under the guide's row lock, as every workflow action and edit: a sign-off happens wholly before or after this.
    const row = await lockArticle(req, id)
    const current = await req.payload.findByID({ collection: 'articles', id, draft: true, depth: 0, joins: false, overrideAccess: true, req })
    // In medical review the reviewer would sign source wording they may not have read: like an edit
    // of the text, the change takes the guide back to editorial review, and another editor sends it again.
    const returned = current.stage === 'medical_review'
    const guide = await req.payload.update({
      collection: 'articles',
      id,
      draft: true,
      data: { reviewFlag: { flagged: true, reason, at: new Date().toISOString() }, ...(returned ? { stage: 'editorial_review' as const } : {}) },
      overrideAccess: true,
      req: serverWriteReq(req, { workflow: 'flag' }),
    })
    if (returned) {
      await recordWorkflowEvent(req, {
        article: id,
        articleTitle: guide.title,
        action: 'returned_to_editorial_review',
        fromStage: 'medical_review',
        toStage: 'editorial_review',
        note: `${reason} It went back to editorial review, so that another editor sends the reviewer the guide with the source as it is now.`,
        contentHash: hashOf(guide, await citedSources(req, [guide])),
      })
    }
    const assigned = typeof guide.assignedReviewer === 'object' ? guide.assignedReviewer?.id : guide.assignedReviewer
    // Live: a published version is up (read under the lock above; the working copy just written is always a draft).
    if (assigned) await notifySourceChanged(req, guide, assigned, reason, { live: row?.liveStatus === 'published' })
  }
  return doc
}
