import { APIError, type CollectionBeforeChangeHook, type CollectionBeforeOperationHook, type FieldAccess } from 'payload'
import { richTextProblems } from '@runsense/domain/rich-text-policy'
import { afterContentEdit, historyEntries, type Stage } from '@runsense/domain/workflow'
import { BODY_POLICY, SAFETY_POLICY } from '../../../editor'
import { lockArticle } from '../../../lib/db'
import { citedSources, hashOf } from '../content'
import { notifyReturnedToEditorialReview } from '../notifications'
import { recordWorkflowEvent } from '../../WorkflowEvents'

const idOf = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'object' ? String((v as { id: unknown }).id) : String(v))

/** Fields only the workflow (and the seed) writes: stage, assignment, sign-off, review dates, the published source snapshot. */
export const WORKFLOW_FIELDS = [
  'stage',
  'assignedReviewer',
  'lastAuthor',
  'signOff',
  'reviewer',
  'lastReviewedAt',
  'nextReviewDue',
  'reviewFlag',
  'overdueNotifiedAt',
  'scheduledPublish',
  'citedSources',
  'reviewHistory',
] as const

/**
 * Field access for WORKFLOW_FIELDS: never writable through the API. Server code writes them with
 * overrideAccess (which skips field access) on a request marked for that one write (lib/serverWrite.ts).
 */
export const workflowWrite: FieldAccess = () => false

/**
 * Every save outside the workflow is a draft: it never touches the live version. This is what
 * keeps Payload's own publish buttons, bulk edits, GraphQL mutations and version restores from
 * publishing anything.
 */
export const savesAreDrafts: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (req.context?.workflow) return args
  if (operation === 'restoreVersion' && (args as { draft?: unknown }).draft !== true) {
    // Payload reads `draft` for a restore before this hook runs, so it cannot be turned into a
    // draft here: a restore that is not a draft would overwrite the live version (and take it
    // offline). A restore as draft is an ordinary edit of the working copy (guardWrites below).
    throw new APIError(
      'Restore a version as a draft: readers keep seeing the published version until the restored text is signed off and published through the review workflow.',
      403,
      undefined,
      true,
    )
  }
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
  // REST and GraphQL take raw Lexical JSON: only what our editor can make may be saved.
  const problems = [...richTextProblems(data.body, BODY_POLICY, 'The body'), ...richTextProblems(data.safety, SAFETY_POLICY, 'The Safety section')]
  if (problems.length) throw new APIError(problems.join(' '), 400, undefined, true)
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
    const row = await lockArticle(req, originalDoc.id)
    const current = await req.payload.findByID({ collection: 'articles', id: originalDoc.id, draft: true, depth: 0, joins: false, overrideAccess: true, req })
    for (const field of WORKFLOW_FIELDS) data[field] = current[field] ?? null
    const next = { ...originalDoc, ...data }
    const sources = await citedSources(req, [current, next])
    const stage = (current.stage ?? 'draft') as Stage
    const signOff =
      current.signOff?.hash && current.signOff.reviewer && current.signOff.at
        ? {
            userId: idOf(current.signOff.user) ?? '',
            reviewerId: idOf(current.signOff.reviewer)!,
            at: current.signOff.at,
            hash: current.signOff.hash,
            version: current.signOff.version ?? null,
          }
        : null
    const live = row?.liveStatus === 'published'
    const newHash = hashOf(next, sources)
    const edit = afterContentEdit(
      {
        stage,
        live,
        lastAuthorId: null,
        assignedReviewerId: idOf(current.assignedReviewer),
        signOff,
        currentHash: hashOf(current, sources),
        lastPublishedHash: historyEntries(current.reviewHistory).at(-1)?.hash ?? null,
      },
      newHash,
      String(req.user?.id ?? ''),
    )
    if (edit) {
      data.stage = edit.stage
      data.lastAuthor = req.user?.id ?? null
      if (edit.event) {
        // The audit log records every stage an edit moves, so it always replays to the current stage.
        await recordWorkflowEvent(req, {
          article: originalDoc.id,
          articleTitle: next.title,
          action: edit.event === 'voided' ? 'sign_off_voided' : edit.event === 'returned' ? 'returned_to_editorial_review' : 'signed_text_restored',
          fromStage: stage,
          toStage: edit.stage,
          note:
            edit.event === 'voided'
              ? 'The reviewed text changed after the sign-off; it needs a new review.'
              : edit.event === 'returned'
                ? 'The text changed during medical review; it went back to editorial review, so that another editor sends the text the reviewer signs.'
                : 'The text is again exactly what was signed (same fingerprint): the sign-off holds again.',
          contentHash: newHash,
        })
        if (edit.event === 'returned' && current.assignedReviewer) {
          await notifyReturnedToEditorialReview(req, { id: Number(originalDoc.id), title: String(next.title ?? '') }, current.assignedReviewer, req.user as never)
        }
      }
    }
  }
  return data
}
