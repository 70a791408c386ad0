/**
 * Read replicas (DATABASE_REPLICA_URLS, comma-separated): @payloadcms/db-postgres sends reads
 * outside a transaction to a replica (drizzle's withReplicas); everything else reads the primary:
 * transactions (every workflow action, edit, signup: they run in one), raw SQL (lib/db.ts's
 * execute/executeNow go through `execute`, which withReplicas sends to the primary), and any read
 * in this process within DATABASE_REPLICA_AFTER_WRITE_MS (default 2000) of a write here.
 *
 * One more read-your-own-write: the site. After a change commits, the CMS tells the site to
 * revalidate, and the site reads the CMS again at once, from a replica that may not have replayed
 * the change yet, and would cache the old text. So revalidation waits until every replica has
 * replayed the primary's WAL position at the commit (replicasCaughtUp, used by
 * lib/revalidate.ts); if one lags beyond DATABASE_REPLICA_WAIT_MS (default 5000) the site is told
 * anyway and told again once it has caught up (at most a minute later).
 */
import type { Payload } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { envList } from './env'

export const replicaUrls = () => envList('DATABASE_REPLICA_URLS')

type Exec = { execute: (q: ReturnType<typeof sql>) => Promise<{ rows: Record<string, unknown>[] }> }
let adapter: { $primary: Exec; $replicas: Exec[] } | null = null

/** Called once at init: remembers the primary and replica connections (if any). */
export function registerReplicas(payload: Payload) {
  const drizzle = (payload.db as unknown as { drizzle?: { $primary?: Exec; $replicas?: Exec[] } }).drizzle
  adapter = drizzle?.$primary && drizzle.$replicas?.length ? { $primary: drizzle.$primary, $replicas: drizzle.$replicas } : null
}

const caughtUp = async (lsn: string) => {
  const rows = await Promise.all(adapter!.$replicas.map((r) => r.execute(sql`select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, true) as ok`)))
  return rows.every((r) => r.rows[0]?.ok === true)
}

/**
 * Resolves true once every replica has replayed everything committed on the primary so far,
 * false after `timeoutMs` (then `onLate` runs once they have, within a minute). No replicas: true.
 */
export async function replicasCaughtUp({
  timeoutMs = Number(process.env.DATABASE_REPLICA_WAIT_MS) || 5000,
  onLate,
}: { timeoutMs?: number; onLate?: () => void } = {}): Promise<boolean> {
  if (!adapter) return true
  const { rows } = await adapter.$primary.execute(sql`select pg_current_wal_lsn()::text as lsn`)
  const lsn = rows[0].lsn as string
  const deadline = Date.now() + timeoutMs
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await caughtUp(lsn).catch(() => false)) return true
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, wait))
  }
  if (onLate) {
    void (async () => {
      const lateDeadline = Date.now() + 60_000
      while (Date.now() < lateDeadline) {
        await new Promise((r) => setTimeout(r, 500))
        if (await caughtUp(lsn).catch(() => false)) return onLate()
      }
    })()
  }
  return false
}
