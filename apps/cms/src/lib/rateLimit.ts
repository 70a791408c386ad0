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
  return (await hitMany(req, [key], limit, windowSeconds))[0]
}

/**
 * Counts many hits in one statement (a batch of signups): `keys[i]` is hit i, in order. Returns,
 * for each hit, null when allowed or the seconds until its window resets, exactly as that many
 * calls of hit() one after another would. Keys are taken in sorted order, so two batches
 * sharing keys lock them in the same order and never deadlock.
 */
export async function hitMany(req: PayloadRequest, keys: string[], limit: number, windowSeconds: number): Promise<(number | null)[]> {
  if (!keys.length) return []
  const perKey = new Map<string, number>()
  for (const k of keys) perKey.set(k, (perKey.get(k) ?? 0) + 1)
  const unique = [...perKey.keys()].sort()
  const rows = (await execute(
    req,
    sql`insert into rate_limits (key, window_start, count)
        select k, to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds}), n
          from unnest(${sql.param(unique)}::text[], ${sql.param(unique.map((k) => perKey.get(k)!))}::int[]) as t(k, n) order by k
        on conflict (key, window_start) do update set count = rate_limits.count + excluded.count
        returning key, count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as retry_after`,
  )) as { key: string; count: number; retry_after: number }[]
  const after = new Map(rows.map((r) => [r.key, r]))
  // The i-th of a key's n hits in this batch saw the count (final - n + i).
  const seen = new Map<string, number>()
  return keys.map((k) => {
    const r = after.get(k)!
    const i = (seen.get(k) ?? 0) + 1
    seen.set(k, i)
    return r.count - perKey.get(k)! + i > limit ? Math.max(1, r.retry_after) : null
  })
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
