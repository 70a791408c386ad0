import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { execute } from './db'

/**
 * Fixed-window counters in Postgres (table rate_limits, see migrations), shared by every
 * instance of every app. One atomic upsert per check: no read-then-write race.
 * Returns null when allowed, or the seconds until the window resets. Old windows are deleted by
 * the scheduled job jobs/pruneRateLimits.ts.
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

/** Takes back one hit in the current window (a sign-in that succeeded was not a failure). */
export async function forgive(req: PayloadRequest, key: string, windowSeconds: number) {
  await execute(
    req,
    sql`update rate_limits set count = greatest(count - 1, 0)
        where key = ${key} and window_start = to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds})`,
  )
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

/**
 * Staff sign-in limits, configurable by env. Failures are counted per client and account (a
 * stranger's guesses never lock the owner out, who signs in from elsewhere) and per client
 * across accounts (one client trying many accounts). A success takes its attempt back.
 */
export const signInLimits = () => ({
  perClientAndAccount: int(process.env.SIGNIN_LIMIT_PER_CLIENT_ACCOUNT, 10),
  perClient: int(process.env.SIGNIN_LIMIT_PER_CLIENT, 50),
  windowSeconds: int(process.env.SIGNIN_LIMIT_WINDOW_SECONDS, 900),
})

/** Password-reset requests, per client and per address asked for (whether or not it is an account). */
export const passwordResetLimits = () => ({
  perClient: int(process.env.PASSWORD_RESET_LIMIT_PER_CLIENT, 10),
  perEmail: int(process.env.PASSWORD_RESET_LIMIT_PER_EMAIL, 3),
  windowSeconds: int(process.env.PASSWORD_RESET_LIMIT_WINDOW_SECONDS, 3600),
})
