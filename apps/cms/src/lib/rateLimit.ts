import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { execute } from './db'

/**
 * Fixed-window counters in Postgres (table rate_limits, see migrations), shared by every
 * instance of every app. One atomic upsert per check: no read-then-write race.
 * Returns null when allowed, or the seconds until the window resets.
 */
export async function hit(req: PayloadRequest, key: string, limit: number, windowSeconds: number): Promise<number | null> {
  const rows = await execute(
    req,
    sql`insert into rate_limits (key, window_start, count)
        values (${key}, to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds}), 1)
        on conflict (key, window_start) do update set count = rate_limits.count + 1
        returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as retry_after`,
  )
  const { count, retry_after } = rows[0] as { count: number; retry_after: number }
  return count > limit ? Math.max(1, retry_after) : null
}

/** Old windows are useless; drop them now and then (called from the signup path, cheaply). */
export async function pruneRateLimits(req: PayloadRequest) {
  await execute(req, sql`delete from rate_limits where window_start < now() - interval '1 day'`)
}

const int = (v: string | undefined, fallback: number) => {
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback
}

/** Signup limits, configurable by env. */
export const signupLimits = () => ({
  perIp: int(process.env.SIGNUP_LIMIT_PER_IP, 20),
  ipWindowSeconds: int(process.env.SIGNUP_LIMIT_IP_WINDOW_SECONDS, 600),
  perEmail: int(process.env.SIGNUP_LIMIT_PER_EMAIL, 5),
  emailWindowSeconds: int(process.env.SIGNUP_LIMIT_EMAIL_WINDOW_SECONDS, 3600),
})
