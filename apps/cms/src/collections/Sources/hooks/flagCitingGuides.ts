import type { CollectionAfterChangeHook } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { canonicalJson } from '@runsense/domain/content-hash'
import { citationData, type SourceData } from '@runsense/domain/sources'
import { execute } from '../../../lib/db'

/**
 * When a source's citation data changes or it is retracted, every guide citing it (live or
 * in its working copy) is flagged for re-review and its assigned reviewer is emailed. The
 * content hash covers the cited sources, so their sign-offs stop matching by themselves.
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
  const site = (process.env.SITE_URL || '').replace(/\/$/, '')
  const cms = (process.env.CMS_URL || '').replace(/\/$/, '')
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
    if (!assigned) continue
    const { docs: reviewers } = await req.payload.find({ collection: 'users', where: { reviewer: { equals: assigned } }, depth: 0, overrideAccess: true, req })
    for (const user of reviewers) {
      await req.payload.jobs.queue({
        task: 'sendEmail',
        input: {
          kind: 'source-changed',
          to: user.email,
          subject: `Re-review needed: ${guide.title}`,
          text: `Hello ${user.name},\n\n${reason}\n\nThe guide "${guide.title}" cites it, so it needs a new review before its next publication.\n\nOpen it: ${cms}/admin/collections/articles/${id}\nLive page: ${site}/guides/${guide.slug}\n\nRunsense CMS\n`,
          headers: {},
        },
        req,
      })
    }
  }
  return doc
}
