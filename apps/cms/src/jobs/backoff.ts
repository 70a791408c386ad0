import type { TaskConfig } from 'payload'

/** The wait before retry number `tried` + 1: `firstMs`, doubling after each failure, never over `capMs`. */
export const backoffDelay = (tried: number, { firstMs, capMs }: { firstMs: number; capMs: number }) => Math.min(firstMs * 2 ** tried, capMs)

/**
 * Retries with exponential backoff under a ceiling, for a task kept through a long outage (an
 * email, kept for a day and a half of SMTP trouble; a scheduled publish, kept for an hour of
 * database trouble). Payload's own exponential backoff doubles without end: over 36 hours its
 * last waits were 9 and 18 hours, so an email queued during an outage could leave most of a day
 * after SMTP came back. Here the wait doubles from `firstMs` up to `capMs` and stays there, so the
 * work is done at most `capMs` after its cause has gone.
 *
 * Payload has no option for a ceiling. This relies on how its task runner schedules a retry: at
 * the later of the task's own backoff (here fixed, `firstMs`) and the job's `waitUntil`, which
 * `onFail` is given the job to set. tests/int/job-backoff.int.test.ts fails if an upgrade changes that.
 */
export function cappedBackoff({ attempts, firstMs, capMs }: { attempts: number; firstMs: number; capMs: number }): Pick<TaskConfig, 'retries' | 'onFail'> {
  return {
    retries: { attempts, backoff: { type: 'fixed', delay: firstMs } },
    onFail: ({ job, taskStatus }) => {
      const tried = taskStatus?.totalTried ?? 0
      if (tried >= attempts) return // failed for good: no retry to schedule
      job.waitUntil = new Date(Date.now() + backoffDelay(tried, { firstMs, capMs })).toISOString()
    },
  }
}
