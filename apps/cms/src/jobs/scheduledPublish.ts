import type { TaskConfig } from 'payload'
import type { User } from '@runsense/types'
import { editorUsers, queueNotice } from '../collections/Articles/notifications'
import { applyWorkflowAction, type Refused } from '../collections/Articles/workflow'

/** The scheduled time as staff read times on the desk ("Dec 1, 2026, 7:10 AM UTC"), not as stored. */
const when = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC'

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
  retries: { attempts: 5, backoff: { type: 'exponential', delay: 5000 } },
  inputSchema: [
    { name: 'article', type: 'number', required: true },
    { name: 'by', type: 'number', required: true },
    { name: 'at', type: 'text', required: true },
  ],
  handler: async ({ input, req }) => {
    const guide = await req.payload.findByID({ collection: 'articles', id: input.article, draft: true, depth: 0, joins: false, overrideAccess: true, req }).catch(() => null)
    // Rescheduled, published meanwhile, or deleted: this run has nothing to do.
    if (!guide || guide.scheduledPublish?.at !== input.at) return { output: { skipped: true } }
    const by = (await req.payload.findByID({ collection: 'users', id: input.by, depth: 0, overrideAccess: true, req }).catch(() => null)) as User | null
    const result = by
      ? await applyWorkflowAction(req, input.article, by, 'publish', {})
      : ({ ok: false, status: 403, error: 'The editor who scheduled it no longer has an account.' } satisfies Refused)
    if (result.ok) return { output: { published: true } }
    if (result.status === 503) throw new Error('The database was unavailable; the scheduled publish will be retried.')
    const error = [result.error, ...(result.missing ?? [])].join(' ')
    await req.payload.update({
      collection: 'articles',
      id: input.article,
      draft: true,
      data: { scheduledPublish: { at: null, by: input.by, error: `Scheduled publish at ${when(input.at)} failed: ${error}` } },
      overrideAccess: true,
      context: { workflow: 'schedule_failed', serverWrite: true },
      req,
    })
    await queueNotice(req, await editorUsers(req), 'scheduled-publish-failed', `Scheduled publish failed: ${guide.title}`, [
      `"${guide.title}" was scheduled to publish at ${when(input.at)}, but it could not be published:`,
      error,
    ])
    return { output: { published: false, error } }
  },
}
