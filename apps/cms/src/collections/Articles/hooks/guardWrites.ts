import { APIError, type CollectionBeforeChangeHook, type CollectionBeforeOperationHook, type FieldAccess } from 'payload'
import { afterContentEdit, type Stage } from '@runsense/domain/workflow'
import { lockArticle } from '../../../lib/db'
import { citedSources, hashOf } from '../content'

/** Fields only the workflow (and the seed) writes: stage, assignment, sign-off, review dates. */
export const WORKFLOW_FIELDS = ['stage', 'assignedReviewer', 'lastAuthor', 'signOff', 'reviewer', 'lastReviewedAt', 'nextReviewDue', 'reviewFlag', 'overdueNotifiedAt', 'scheduledPublish'] as const

/** Field access for WORKFLOW_FIELDS: writable only while server code says so. */
export const workflowWrite: FieldAccess = ({ req }) => req.context?.serverWrite === true

/**
 * Every save outside the workflow is a draft: it never touches the live version. This is what
 * keeps Payload's own publish buttons, bulk edits, GraphQL mutations and version restores from
 * publishing anything.
 */
export const savesAreDrafts: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (req.context?.workflow) return args
  if (operation === 'create' || operation === 'update' || operation === 'restoreVersion') {
    if ((args as { data?: { _status?: unknown } }).data?._status === 'published') throw publishRefusal()
    // Take the guide's row lock before Payload reads the document, so the save starts from the
    // state left by any workflow action that committed first, never from a stale copy.
    const id = (args as { id?: number | string }).id
    if (operation === 'update' && id !== undefined) await lockArticle(args.req ?? req, id)
    return { ...args, draft: true }
  }
  return args
}

function publishRefusal() {
  const refusal = new APIError(
    'Guides are published only through the review workflow (POST /api/articles/:id/workflow with {"action":"publish"}), after a medical sign-off.',
    403,
    undefined,
    true,
  )
  refusal.name = 'WorkflowRequired'
  return refusal
}

/**
 * The one guard on ordinary saves: refuses publishing, keeps the workflow fields as they were,
 * and applies what an edit means for the review (a change after sign-off voids it).
 */
export const guardWrites: CollectionBeforeChangeHook = async ({ data, originalDoc, operation, req }) => {
  if (req.context?.workflow) return data
  if (data._status === 'published') {
    throw publishRefusal()
  }
  data._status = 'draft'
  for (const field of WORKFLOW_FIELDS) {
    if (operation === 'update') data[field] = originalDoc?.[field] ?? null
    else delete data[field]
  }
  if (operation === 'create') {
    data.stage = 'draft'
    data.lastAuthor = req.user?.id ?? null
  } else if (originalDoc) {
    // Serialise with workflow actions on this guide (they take the same row lock), then read the
    // workflow state as it is now: a sign-off or publish may have committed since Payload read
    // originalDoc (bulk updates do not lock before reading).
    await lockArticle(req, originalDoc.id)
    const current = await req.payload.findByID({ collection: 'articles', id: originalDoc.id, draft: true, depth: 0, joins: false, overrideAccess: true, req })
    for (const field of WORKFLOW_FIELDS) data[field] = current[field] ?? null
    const next = { ...originalDoc, ...data }
    const sources = await citedSources(req, [current, next])
    const stage = (current.stage ?? 'draft') as Stage
    const edit = afterContentEdit(
      { stage, live: false, lastAuthorId: null, assignedReviewerId: null, signOff: null, currentHash: hashOf(current, sources) },
      hashOf(next, sources),
      String(req.user?.id ?? ''),
    )
    if (edit) {
      data.stage = edit.stage
      data.lastAuthor = req.user?.id ?? null
      if (edit.stage !== stage) {
        // The audit log records the voided sign-off, so it always replays to the current stage.
        await req.payload.create({
          collection: 'workflow-events',
          data: {
            article: originalDoc.id,
            articleTitle: next.title,
            action: 'sign_off_voided',
            fromStage: stage,
            toStage: edit.stage,
            actor: typeof req.user?.id === 'number' ? req.user.id : null,
            actorName: (req.user as { name?: string } | null)?.name ?? null,
            note: 'The reviewed text changed after the sign-off; it needs a new review.',
            contentHash: hashOf(next, sources),
          },
          overrideAccess: true, // server-written audit entry
          req,
        })
      }
    }
  }
  req.context.serverWrite = true
  return data
}
