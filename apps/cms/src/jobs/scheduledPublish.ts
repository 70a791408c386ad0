import type { TaskConfig } from 'payload'
import type { User } from '@runsense/types'
import { editorUsers, queueNotice } from '../collections/Articles/notifications'
import { applyWorkflowAction, type Refused } from '../collections/Articles/workflow'
import { STAGE_LABELS, readableMissing } from '@runsense/domain/workflow'
import { staffTime } from '../lib/staffTime'
import { inTransaction, lockArticle } from '../lib/db'
import { serverWriteReq } from '../lib/serverWrite'
import { cappedBackoff } from './backoff'

/**
 * Publishes an approved guide at the time an editor chose. The whole publish gate runs again
 * now (sign-off still matching, content complete, no retracted source). A refusal is recorded
 * on the guide (shown on the desk and in its workflow panel) and emailed to the editors —
 * never silently skipped. A database outage is retried.
 * At least once (jobs/lease.ts); a repeat is harmless: publishing clears the schedule, so a
 * second run finds nothing scheduled for that time and skips.
 */
export const scheduledPublishTask: TaskConfig<'scheduledPublish'> = {
  slug: 'scheduledPublish',
  label: 'Publish a guide at its scheduled time',
  // 5 s, doubling up to 5 minutes, 16 attempts: about an hour of database trouble at the chosen
  // time before the publish is given up (5 plain doublings gave up after 2.5 minutes: a failover
  // cost the publish until an admin retried it). The gate runs again on every attempt.
  ...cappedBackoff({ attempts: 16, firstMs: 5000, capMs: 5 * 60_000 }),
  inputSchema: [
    { name: 'article', type: 'number', required: true },
    { name: 'by', type: 'number', required: true },
    { name: 'at', type: 'text', required: true },
    // The public change note the editor gave when scheduling (needed when the text changed).
    { name: 'note', type: 'text' },
  ],
  handler: async ({ input, req }) => {
    // Reads that fail (the database or a replica away) throw, so the job is retried: only a guide
    // or an account that is really gone (disableErrors: null) counts as such.
    const guide = await req.payload.findByID({ collection: 'articles', id: input.article, draft: true, depth: 0, joins: false, overrideAccess: true, disableErrors: true, req })
    // Rescheduled, published meanwhile, or deleted: this run has nothing to do (checked again under the row lock).
    if (!guide || guide.scheduledPublish?.at !== input.at) return { output: { skipped: true } }
    const by = (await req.payload.findByID({ collection: 'users', id: input.by, depth: 0, overrideAccess: true, disableErrors: true, req })) as User | null
    const result = by
      ? await applyWorkflowAction(req, input.article, by, 'publish', { note: input.note ?? undefined, scheduledAt: input.at })
      : ({ ok: false, status: 403, error: 'The editor who scheduled it no longer has an account.' } satisfies Refused)
    if (result.ok) return { output: { published: true } }
    if (result.stale) return { output: { skipped: true } }
    if (result.status === 503) throw new Error('The database was unavailable; the scheduled publish will be retried.')
    // A guide that left "Signed off" meanwhile (edited after the sign-off, archived…) is told in words.
    const error =
      result.status === 409 && result.stage && result.stage !== 'approved'
        ? `It is no longer signed off: it is now at "${STAGE_LABELS[result.stage]}", so it needs a new sign-off before it can be published.`
        : [result.error, ...readableMissing(result.missing)].join(' ')
    // The refusal and its email commit together, under the guide's lock, and only while the guide is
    // still scheduled for this time: a retry after a failure here finds it still scheduled and does it all again.
    const recorded = await inTransaction(req, async () => {
      await lockArticle(req, input.article)
      const now = await req.payload.findByID({ collection: 'articles', id: input.article, draft: true, depth: 0, joins: false, overrideAccess: true, disableErrors: true, req })
      if (now?.scheduledPublish?.at !== input.at) return false
      await req.payload.update({
        collection: 'articles',
        id: input.article,
        draft: true,
        data: { scheduledPublish: { at: null, by: input.by, error: `Scheduled publish at ${staffTime(input.at)} failed: ${error}` } },
        overrideAccess: true,
        req: serverWriteReq(req, { workflow: 'schedule_failed' }),
      })
      await queueNotice(req, await editorUsers(req), 'scheduled-publish-failed', `Scheduled publish failed: ${guide.title}`, [
        `"${guide.title}" was scheduled to publish at ${staffTime(input.at)}, but it could not be published:`,
        error,
      ])
      return true
    })
    if (!recorded) return { output: { skipped: true } }
    return { output: { published: false, error } }
  },
}
