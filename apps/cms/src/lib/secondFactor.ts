/**
 * Two-factor sign-in (TOTP, RFC 6238, with otplib) for staff: the state in Postgres and the rule
 * of who needs it. Tables (see migrations): staff_second_factors (one row per enrolled or
 * enrolling person) and second_factor_sessions (the sessions that passed the second factor;
 * a session is the `sid` in the person's JWT, so a new sign-in starts unverified).
 */
import { createHash, randomBytes } from 'node:crypto'
import { sql } from '@payloadcms/db-postgres'
import { generateSecret, generateURI, verify } from 'otplib'
import type { PayloadRequest } from 'payload'
import { roleOf } from '../access/roles'
import { execute } from './db'
import { activePasskeys } from './passkeys'

const on = (v: string | undefined, fallback: boolean) => (v === undefined || v === '' ? fallback : !['off', 'false', '0', 'no'].includes(v.toLowerCase()))

/**
 * Who must use a second factor. STAFF_2FA (default on) covers admins and reviewers;
 * STAFF_2FA_EDITORS (default on) adds editors. `npm start` and `npm test` turn both off for the
 * demo logins unless set. Whoever has enrolled needs it whatever the settings say.
 */
export function secondFactorRequiredByRole(role: string | null): boolean {
  if (!on(process.env.STAFF_2FA, true)) return false
  if (role === 'admin' || role === 'reviewer') return true
  return role === 'editor' && on(process.env.STAFF_2FA_EDITORS, true)
}

type Row = { secret: string | null; pending_secret: string | null; enabled_at: Date | null; last_step: string | null; recovery_code_hashes: string[] | null }

async function rowOf(req: PayloadRequest, userId: number): Promise<Row | null> {
  const rows = await execute(req, sql`select secret, pending_secret, enabled_at, last_step, recovery_code_hashes from staff_second_factors where user_id = ${userId}`)
  return (rows[0] as Row | undefined) ?? null
}

const sessionOf = (req: PayloadRequest) => (req.user as { _sid?: string } | null)?._sid ?? null
const userIdOf = (req: PayloadRequest) => (roleOf(req.user) ? Number(req.user!.id) : null)
const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex')

/** `passkey`: a reviewer with a passkey, which passes the second factor too (lib/passkeys.ts). */
export type SecondFactorStatus = { required: boolean; enrolled: boolean; passed: boolean; passkey: boolean }

/** The signed-in person's second-factor state for this session. */
export async function secondFactorStatus(req: PayloadRequest): Promise<SecondFactorStatus | null> {
  const userId = userIdOf(req)
  if (userId === null) return null
  const row = await rowOf(req, userId)
  const enrolled = Boolean(row?.enabled_at)
  const sid = sessionOf(req)
  const passed = sid ? (await execute(req, sql`select 1 from second_factor_sessions where sid = ${sid} and user_id = ${userId}`)).length > 0 : false
  const passkey = roleOf(req.user) === 'reviewer' && (await activePasskeys(req, userId)).length > 0
  return { required: enrolled || secondFactorRequiredByRole(roleOf(req.user)), enrolled, passed, passkey }
}

/** Starts (or restarts) enrolment: a new secret, not in force until a code from it is confirmed. */
export async function startEnrolment(req: PayloadRequest): Promise<{ secret: string; uri: string } | 'enrolled'> {
  const userId = userIdOf(req)!
  const row = await rowOf(req, userId)
  if (row?.enabled_at) return 'enrolled'
  const secret = generateSecret()
  await execute(
    req,
    sql`insert into staff_second_factors (user_id, pending_secret) values (${userId}, ${secret})
        on conflict (user_id) do update set pending_secret = excluded.pending_secret`,
  )
  const label = String((req.user as { email?: string }).email ?? userId)
  return { secret, uri: generateURI({ issuer: 'Runsense CMS', label, secret }) }
}

/** A code's time step when it is valid for the secret (±1 step of 30 s for clock drift), else null. */
async function stepOf(secret: string, code: string): Promise<number | null> {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const now = Math.floor(Date.now() / 1000)
  const result = await verify({ secret, token, epoch: now, epochTolerance: 30 })
  return result.valid ? Math.floor(now / 30) + result.delta : null
}

/** Marks this session as having passed the second factor. */
export async function passSession(req: PayloadRequest, userId: number) {
  const sid = sessionOf(req)
  if (!sid) return
  await execute(req, sql`insert into second_factor_sessions (sid, user_id) values (${sid}, ${userId}) on conflict (sid) do nothing`)
}

/** Confirms enrolment with a code from the new secret; returns the recovery codes (shown once). */
export async function confirmEnrolment(req: PayloadRequest, code: string): Promise<string[] | null> {
  const userId = userIdOf(req)!
  const row = await rowOf(req, userId)
  if (!row?.pending_secret) return null
  const step = await stepOf(row.pending_secret, code)
  if (step === null) return null
  const recoveryCodes = Array.from({ length: 10 }, () =>
    randomBytes(5)
      .toString('hex')
      .replace(/(.{5})/, '$1-'),
  )
  await execute(
    req,
    sql`update staff_second_factors set secret = pending_secret, pending_secret = null, enabled_at = now(), last_step = ${step},
        recovery_code_hashes = ${`{${recoveryCodes.map(hashCode).join(',')}}`}::text[]
        where user_id = ${userId}`,
  )
  await passSession(req, userId)
  return recoveryCodes
}

/**
 * Checks a code from the person's authenticator (each code once: a replayed code is refused) or
 * one of their recovery codes (used up); on success this session has passed.
 */
export async function passSecondFactor(req: PayloadRequest, input: { code?: string; recoveryCode?: string }): Promise<boolean> {
  const userId = userIdOf(req)!
  const row = await rowOf(req, userId)
  if (!row?.enabled_at || !row.secret) return false
  if (input.code) {
    const step = await stepOf(row.secret, input.code)
    if (step === null) return false
    // One statement, so two requests with the same code cannot both pass.
    const used = await execute(
      req,
      sql`update staff_second_factors set last_step = ${step} where user_id = ${userId} and (last_step is null or last_step < ${step}) returning user_id`,
    )
    if (!used.length) return false
  } else if (input.recoveryCode) {
    const hash = hashCode(input.recoveryCode)
    const used = await execute(
      req,
      sql`update staff_second_factors set recovery_code_hashes = array_remove(recovery_code_hashes, ${hash})
          where user_id = ${userId} and ${hash} = any(recovery_code_hashes) returning user_id`,
    )
    if (!used.length) return false
  } else return false
  await passSession(req, userId)
  return true
}

/** Removes a person's second factor (an admin's reset): they enrol again at their next sign-in. */
export async function resetSecondFactor(req: PayloadRequest, userId: number): Promise<boolean> {
  const removed = await execute(req, sql`delete from staff_second_factors where user_id = ${userId} returning user_id`)
  await execute(req, sql`delete from second_factor_sessions where user_id = ${userId}`)
  return removed.length > 0
}
