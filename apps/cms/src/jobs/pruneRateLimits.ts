import type { TaskConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { execute } from '../lib/db'

/**
 * Runs on a schedule (RATE_LIMIT_PRUNE_CRON, default hourly): deletes rate-limit windows older
 * than a day, which no check reads any more. Used to ride along with 1 % of signups and sign-ins;
 * on several instances that is a delete racing the inserts of every instance, on the hot path.
 * At least once; a repeat deletes nothing.
 */
export const pruneRateLimitsTask: TaskConfig<'pruneRateLimits'> = {
  slug: 'pruneRateLimits',
  label: 'Delete old rate-limit windows',
  schedule: [{ cron: process.env.RATE_LIMIT_PRUNE_CRON || '0 17 * * * *', queue: 'default' }],
  retries: 3,
  inputSchema: [],
  handler: async ({ req }) => {
    const rows = await execute(req, sql`delete from rate_limits where window_start < now() - interval '1 day' returning 1`)
    return { output: { deleted: rows.length } }
  },
}
