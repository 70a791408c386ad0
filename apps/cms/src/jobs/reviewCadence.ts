import type { PayloadRequest, TaskConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { tagsForGuideChange } from '@runsense/domain/cache-tags'
import { execute, inTransaction } from '../lib/db'
import { revalidateAfterCommit } from '../lib/revalidate'
import { cmsLink, editorUsers, queueNotice, reviewerUsers } from '../collections/Articles/notifications'

/**
 * Runs on a schedule: every published guide whose review is due gets marked (once) and its
 * assigned reviewer and the editors are emailed. The site keeps showing the true "Last
 * reviewed" date and says a re-review is due; nothing is hidden or re-dated.
 * At least once (jobs/lease.ts); a repeat is harmless: the claim below marks each guide once.
 */
export const reviewCadenceTask: TaskConfig<'reviewCadence'> = {
  slug: 'reviewCadence',
  label: 'Mark overdue reviews and notify',
  // Hourly by default (at minute 7): reviews fall due by the day, so an hour late is nothing.
  schedule: [{ cron: process.env.REVIEW_CADENCE_CRON || '0 7 * * * *', queue: 'default' }],
  retries: 3,
  inputSchema: [],
  // One transaction (job handlers get none of their own): the claim commits with the notices it
  // queues, so a failure anywhere (a database blip, a SIGKILL) leaves the guides unclaimed for the retry.
  handler: ({ req }) => inTransaction(req, () => markOverdue(req)),
}

/** Claims every published guide whose review is due (once per review period) and queues its notices. */
async function markOverdue(req: PayloadRequest) {
  // Atomic claim: a guide is notified once per review period, even with several CMS instances.
  const due = (await execute(
    req,
    sql`update articles set overdue_notified_at = now()
        where _status = 'published' and next_review_due < now() and overdue_notified_at is null
        returning id, slug, title, next_review_due, assigned_reviewer_id`,
  )) as { id: number; slug: string; title: string; next_review_due: Date; assigned_reviewer_id: number | null }[]
  // The guide pages now say a re-review is due (with the true last-reviewed date).
  if (due.length) await revalidateAfterCommit(req, tagsForGuideChange(due.map((g) => g.slug)))
  const editors = due.length ? await editorUsers(req) : []
  for (const g of due) {
    const dueLine = `"${g.title}" was due for its scheduled medical review on ${new Date(g.next_review_due).toISOString().slice(0, 10)}.`
    const stays = 'It stays published with its true "Last reviewed" date until a new sign-off is published.'
    const link = `Open it: ${cmsLink(g.id)}`
    // Only editors start a re-review; the reviewer is told what comes to them, not asked to do what they cannot.
    const reviewers = g.assigned_reviewer_id ? await reviewerUsers(req, g.assigned_reviewer_id) : []
    await queueNotice(req, reviewers, 'review-due', `Review due: ${g.title}`, [dueLine, `${stays} An editor starts the re-review; it then comes to you for sign-off.`, link])
    await queueNotice(req, editors, 'review-due', `Review due: ${g.title}`, [dueLine, `${stays} Please start the review with "Start re-review" in its workflow panel.`, link])
  }
  return { output: { marked: due.length } }
}
