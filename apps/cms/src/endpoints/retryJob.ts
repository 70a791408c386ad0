import type { Endpoint, PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { isAdminUser } from '../access/roles'
import { recordAudit } from '../collections/AuditLog'
import { unsentEmailsOf } from '../jobs/sendEmail'
import { execute, inTransaction } from '../lib/db'
import { json } from '../lib/http'

/** A job that failed for good and was not retried yet: the desk's "Failed for good" list, and what a retry takes. */
export const FAILED_FOR_GOOD = sql`has_error and not coalesce(error ? 'retriedAs', false)`

type DeadJob = { id: number; task_slug: string; queue: string | null; input: unknown; created_at: Date }

/**
 * POST /api/failed-jobs/:id/retry (admins): a job that failed for good (its retries used up, say
 * over a long SMTP outage) is tried again, once its cause is fixed. A new job takes the work (an
 * email job only the emails that did not leave, so none is sent twice); the failed one stays on
 * record, marked with the job that took it over, and leaves the desk's "Failed for good" list.
 * 202 { job }; 200 { job: null } when every email of it had left; 404 when no such job failed
 * for good (or it was retried already); 403 for anyone but an admin.
 */
export const retryJob: Endpoint = {
  path: '/failed-jobs/:id/retry',
  method: 'post',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(403, { error: 'Only an admin can retry a failed job.' })
    const id = Number(req.routeParams?.id)
    const notFound = () => json(404, { error: `No job ${req.routeParams?.id} has failed for good: it may have been retried already.` })
    if (!Number.isSafeInteger(id) || id <= 0) return notFound()
    return inTransaction(req, async () => {
      const [job] = (await execute(
        req,
        sql`select id, task_slug, queue, input, created_at from payload_jobs
            where id = ${id} and task_slug is not null and ${FAILED_FOR_GOOD} for update`,
      )) as DeadJob[]
      if (!job) return notFound()
      let input = job.input
      if (job.task_slug === 'sendEmail') {
        const emails = await unsentEmailsOf(req, { id: job.id, createdAt: job.created_at, input: job.input })
        input = { emails }
        if (!emails.length) {
          await markRetried(req, job, null)
          return json(200, { job: null, message: 'Every email of this job had already left; nothing was sent again.' })
        }
      }
      const next = (await req.payload.jobs.queue({ task: job.task_slug, queue: job.queue ?? undefined, input, req } as never)) as { id: number | string }
      await markRetried(req, job, Number(next.id))
      return json(202, { job: Number(next.id) })
    })
  },
}

async function markRetried(req: PayloadRequest, job: DeadJob, next: number | null) {
  const by = (req.user as { name?: string } | null)?.name ?? null
  await execute(
    req,
    sql`update payload_jobs set error = coalesce(error, '{}'::jsonb) || jsonb_build_object('retriedAs', ${next}::int, 'retriedBy', ${by}::text) where id = ${job.id}`,
  )
  await recordAudit(req, {
    entity: 'payload-jobs',
    entityId: job.id,
    action: 'update',
    summary: next ? `Failed job ${job.id} (${job.task_slug}) retried as job ${next}` : `Failed job ${job.id} (${job.task_slug}) closed: every email of it had left`,
  })
}
