/**
 * Job leases. Payload 3.90 claims a job by setting `processing = true` (and `updated_at`) and
 * never looks at it again: if the worker dies (SIGKILL, OOM, a crashed host), the job stays
 * `processing` forever, untried and unreported. Here a claim is a lease on `updated_at`:
 *
 * - heartbeat: every process renews `updated_at` of the jobs its handlers are running, every
 *   lease/3, so a job that is really running never looks abandoned;
 * - recovery: any worker (one atomic UPDATE, safe with several CMS instances) hands back every job
 *   whose lease (`updated_at` + JOBS_LEASE_SECONDS) has passed, counting the expiry in
 *   `meta.leaseExpiries` and saying so in `error`; after JOBS_MAX_LEASE_EXPIRIES the job is dead
 *   (`has_error`), so a job that kills its worker cannot loop forever.
 *
 * Completed jobs a dead worker did not get to delete are deleted too.
 *
 * Generic: every task wrapped with `withLease` (every task in payload.config.ts) is covered; what a
 * repeat means for each kind is written beside the kind (and in the README).
 */
import type { Payload, TaskConfig, TaskHandler } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { executeNow } from '../lib/db'
import { jobSettings } from './settings'

const runningHere = new Set<number | string>()

/** How many job handlers this process is running now. */
export const jobsRunningHere = () => runningHere.size

/** The task, with its job's lease renewed while its handler runs in this process. */
export function withLease<T extends TaskConfig<any>>(task: T): T {
  const handler = task.handler as TaskHandler<any>
  if (typeof handler !== 'function') return task
  return {
    ...task,
    handler: (async (args: Parameters<TaskHandler<any>>[0]) => {
      runningHere.add(args.job.id)
      try {
        return await handler(args)
      } finally {
        runningHere.delete(args.job.id)
      }
    }) as TaskHandler<any>,
  }
}

/** Renews the leases of the jobs running in this process. */
async function heartbeat(payload: Payload) {
  if (!runningHere.size) return
  const ids = [...runningHere].map(Number)
  await executeNow(payload, sql`update payload_jobs set updated_at = now() where processing and id in ${sql.raw(`(${ids.join(',')})`)}`)
}

/** Hands back the jobs whose worker stopped renewing their lease. Returns what it recovered. */
export async function recoverExpiredLeases(payload: Payload, { leaseMs = jobSettings.leaseMs, maxExpiries = jobSettings.maxLeaseExpiries } = {}) {
  const rows = (await executeNow(
    payload,
    sql`with expired as (
          select id, coalesce((meta->>'leaseExpiries')::int, 0) + 1 as n
          from payload_jobs
          where processing and completed_at is null and updated_at < now() - make_interval(secs => ${leaseMs / 1000})
          for update skip locked
        )
        update payload_jobs j set
          processing = false,
          updated_at = now(),
          total_tried = coalesce(j.total_tried, 0) + 1,
          meta = coalesce(j.meta, '{}'::jsonb) || jsonb_build_object('leaseExpiries', e.n),
          has_error = e.n >= ${maxExpiries},
          error = jsonb_build_object(
            'message', case when e.n >= ${maxExpiries}
              then 'Workers running this job stopped ' || e.n || ' times in all (lease expired); it will not be tried again.'
              else 'The worker running this job stopped (lease expired after ' || ${leaseMs / 1000} || ' s without a heartbeat); it will be tried again.' end,
            'leaseExpired', true,
            'at', now())
        from expired e
        where j.id = e.id
        returning j.id, j.task_slug, e.n, j.has_error`,
  )) as { id: number; task_slug: string; n: number; has_error: boolean }[]
  for (const r of rows) {
    const what = `job ${r.id} (${r.task_slug}): its worker stopped; lease expired (${r.n} time${r.n === 1 ? '' : 's'})`
    if (r.has_error) payload.logger.error(`${what}; given up`)
    else payload.logger.warn(`${what}; handed back to the queue`)
  }
  return rows
}

/**
 * With deleteJobOnComplete, Payload deletes a batch's completed jobs once the whole batch is done:
 * a worker that dies in between leaves completed jobs behind for good. Delete them here.
 */
async function deleteLeftoverCompletedJobs(payload: Payload) {
  if (!payload.config.jobs.deleteJobOnComplete) return
  await executeNow(payload, sql`delete from payload_jobs where completed_at is not null and completed_at < now() - make_interval(secs => ${jobSettings.leaseMs / 1000})`)
}

let timer: ReturnType<typeof setInterval> | undefined

/** Starts heartbeat and recovery in this process (only where jobs run). Idempotent. */
export function startJobLeases(payload: Payload) {
  if (timer) return
  const tick = async () => {
    try {
      await heartbeat(payload)
      await recoverExpiredLeases(payload)
      await deleteLeftoverCompletedJobs(payload)
    } catch (err) {
      // The database may be away for a moment; the next tick tries again.
      payload.logger.warn(`job lease check failed: ${(err as Error).message}`)
    }
  }
  timer = setInterval(tick, Math.max(1000, Math.floor(jobSettings.leaseMs / 3)))
  timer.unref()
  void tick()
}
