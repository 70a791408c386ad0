import { createHash } from 'node:crypto'
import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { execute } from '../../lib/db'

/**
 * The suppression list's key: SHA-256 of a server key and the lower-cased address, so an erased
 * address is matched again if it ever re-subscribes, yet the list alone cannot be reversed with
 * a dictionary of addresses. Postgres computes the same hash (suppressedSql) at send time.
 * The key is PAYLOAD_SECRET: rotating it forgets the list (as it voids unsubscribe links).
 */
const key = () => `suppression:${process.env.PAYLOAD_SECRET ?? ''}:`
export const suppressionHash = (email: string) =>
  createHash('sha256')
    .update(key() + email.trim().toLowerCase())
    .digest('hex')

/** SQL that is true when the address in `emailColumn` is on the suppression list. */
export const suppressedSql = (emailColumn: ReturnType<typeof sql.raw>) =>
  sql`exists (select 1 from newsletter_suppressions x where x.email_hash = encode(sha256(convert_to(${key()} || lower(${emailColumn}), 'UTF8')), 'hex'))`

/** Adds an address for good (idempotent; the first reason and time are kept). */
export async function suppress(req: PayloadRequest, email: string | null, hash: string, reason: string, at: Date) {
  await execute(
    req,
    sql`insert into newsletter_suppressions (email_hash, email, reason, at, updated_at, created_at)
        values (${hash}, ${email}, ${reason}, ${at.toISOString()}, now(), now())
        on conflict (email_hash) do nothing`,
  )
}
