/**
 * The only writers of Subscribers, called server to server by the site with NEWSLETTER_SECRET:
 * POST /api/subscribers/signup, /confirm, /unsubscribe. Plus the admins' CSV export.
 * They run with overrideAccess (the collection refuses every generic write) inside one
 * transaction with a per-address row lock, so concurrent signups cannot double anything.
 */
import type { Endpoint, PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { hasControlCharacters, hashEmail, hashIp } from '@runsense/domain/email'
import { normaliseSignupEmail } from '@runsense/domain/signup-email'
import { isAdminUser } from '../../access/roles'
import { execute, inTransaction } from '../../lib/db'
import { json, jsonObject } from '../../lib/http'
import { fromSite } from '../../lib/sharedSecret'
import { hitMany, signupLimits } from '../../lib/rateLimit'
import { type Email, queueEmails } from '../../jobs/sendEmail'
import { suppressionHash } from '../NewsletterSuppressions/suppression'
import { alreadySubscribedEmail, confirmationEmail, welcomeEmail } from './emails'
import { CONFIRM_TOKEN_TTL_MS, hashToken, newConfirmToken, verifyUnsubscribeToken } from './tokens'

const RESEND_AFTER_MS = 10 * 60 * 1000
/** Most signups one call may carry: the site sends together those that arrived while its last call was out. */
export const MAX_SIGNUP_BATCH = 200
const TOO_MANY = 'Too many signup attempts. Please wait a little and try again.'

/** What became of one signup: accepted (the same answer whatever the address's state), refused as malformed, or over a limit. */
type SignupResult = { status: 202 } | { status: 400; error: string } | { status: 429; error: string; retryAfter: number }
type Signup = { email: string; source: string | null; wording: string | null; ipHash: string | null }
type Subscriber = { id: number; email: string; status: string; confirm_sent_at: Date | null }

/**
 * POST /api/subscribers/signup: one signup (`{ email, source?, wording?, ip? }` → 202, 400 or
 * 429 as before) or a batch (`{ signups: [ … ] }` → 200 `{ results: [ … ] }`, one per signup, in
 * order: `{ status: 202 }`, `{ status: 400, error }` or `{ status: 429, error, retryAfter }`).
 * A batch is written in one transaction: every accepted signup is stored, or (503) none is.
 */
export const signup: Endpoint = {
  path: '/signup',
  method: 'post',
  handler: async (req) => {
    if (!fromSite(req)) return json(401, { error: 'Not allowed.' })
    const b = await jsonObject(req)
    const batch = Array.isArray(b?.signups)
    const items: unknown[] = batch ? (b!.signups as unknown[]) : [b]
    if (batch && (items.length === 0 || items.length > MAX_SIGNUP_BATCH)) return json(400, { error: `A batch holds 1 to ${MAX_SIGNUP_BATCH} signups.` })
    try {
      const results = await acceptSignups(req, items)
      if (batch) return json(200, { results })
      const [r] = results
      if (r.status === 429) return json(429, { error: r.error, retryAfter: r.retryAfter }, { 'Retry-After': String(r.retryAfter) })
      return r.status === 202 ? json(202, { ok: true }) : json(400, { error: r.error })
    } catch (err) {
      req.payload.logger.error({ err, msg: 'newsletter signup failed' })
      // Whatever failed (usually the database), nothing was acknowledged: a 503 with a sentence.
      return json(503, { error: 'Signups are unavailable for a moment. Please try again shortly.' })
    }
  },
}

function parseSignup(raw: unknown): Signup | { error: string } {
  const b = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
  const parsed = normaliseSignupEmail(b.email)
  if (!parsed.ok) return { error: parsed.error }
  // A control character (NUL above all: PostgreSQL refuses it in text) would fail the whole batch's
  // transaction, every other reader's signup with it: this one signup is refused instead.
  if ([b.source, b.wording].some((t) => typeof t === 'string' && hasControlCharacters(t))) return { error: 'The page you signed up from was not recognised.' }
  return {
    email: parsed.email,
    source: typeof b.source === 'string' ? b.source.slice(0, 200) : null,
    wording: typeof b.wording === 'string' ? b.wording.slice(0, 1000) : null,
    ipHash: typeof b.ip === 'string' && b.ip ? hashIp(b.ip, process.env.PAYLOAD_SECRET || 'runsense') : null,
  }
}

/**
 * Stores a batch of signups in one transaction, with a constant number of statements whatever
 * its size: the limits' counters, one row per address (created if missing, then locked in address
 * order, so concurrent batches cannot deadlock or double anything), the confirmations' tokens, and
 * one job carrying every email the batch sends.
 */
async function acceptSignups(req: PayloadRequest, items: unknown[]): Promise<SignupResult[]> {
  const signups = items.map(parseSignup)
  const results: SignupResult[] = signups.map((s) => ('error' in s ? { status: 400, error: s.error } : { status: 202 }))
  const valid = signups.flatMap((s, i) => ('error' in s ? [] : [{ i, s }]))
  if (!valid.length) return results
  return inTransaction(req, async () => {
    // The counters count refused signups too, and stick: the transaction commits either way.
    const limits = signupLimits()
    const secret = process.env.PAYLOAD_SECRET || 'runsense'
    const withIp = valid.filter((v) => v.s.ipHash)
    const ipWaits = await hitMany(
      req,
      withIp.map((v) => `signup:ip:${v.s.ipHash}`),
      limits.perIp,
      limits.ipWindowSeconds,
    )
    const emailWaits = await hitMany(
      req,
      valid.map((v) => `signup:email:${hashEmail(v.s.email, secret)}`),
      limits.perEmail,
      limits.emailWindowSeconds,
    )
    const ipWaitOf = new Map(withIp.map((v, k) => [v.i, ipWaits[k]]))
    // Per address, the first signup of the batch decides; a later one in the same batch is the double click.
    const first = new Map<string, Signup>()
    valid.forEach((v, k) => {
      const wait = ipWaitOf.get(v.i) ?? emailWaits[k]
      if (wait) results[v.i] = { status: 429, error: TOO_MANY, retryAfter: wait }
      else if (!first.has(v.s.email)) first.set(v.s.email, v.s)
    })
    if (!first.size) return results

    // One row per address: create the missing ones, then lock them all for this transaction.
    const addresses = [...first.keys()].sort()
    await execute(
      req,
      sql`insert into subscribers (email, status, updated_at, created_at)
          select e, 'pending', now(), now() from unnest(${sql.param(addresses)}::text[]) as e order by e
          on conflict (email) do nothing`,
    )
    const rows = (await execute(
      req,
      sql`select id, email, status, confirm_sent_at from subscribers where email = any(${sql.param(addresses)}::text[]) order by email for update`,
    )) as unknown as Subscriber[]

    const now = new Date()
    const emails: Email[] = []
    const confirming: { id: number; hash: string; s: Signup }[] = []
    for (const row of rows) {
      if (row.status === 'confirmed') {
        emails.push(alreadySubscribedEmail(row.email, row.id))
      } else if (row.status === 'unsubscribed' || !row.confirm_sent_at || now.getTime() - new Date(row.confirm_sent_at).getTime() > RESEND_AFTER_MS) {
        const { token, hash } = newConfirmToken()
        confirming.push({ id: row.id, hash, s: first.get(row.email)! })
        emails.push(confirmationEmail(row.email, token))
      }
      // Pending and asked again within 10 minutes: nothing to do (a double click sends one email).
    }
    if (confirming.length) {
      // One statement on the rows locked above (the collection has no update hooks; these
      // endpoints are its only writers, see the top of the file).
      const col = <T>(f: (c: (typeof confirming)[number]) => T) => sql.param(confirming.map(f))
      await execute(
        req,
        sql`update subscribers as s set status = 'pending', confirm_token_hash = v.hash,
              confirm_token_expires_at = ${new Date(now.getTime() + CONFIRM_TOKEN_TTL_MS).toISOString()},
              confirm_sent_at = ${now.toISOString()},
              consent_signed_up_at = ${now.toISOString()}, consent_confirmed_at = null,
              consent_source_page = v.source, consent_wording = v.wording, consent_ip_hash = v.ip_hash,
              updated_at = now()
            from unnest(${col((c) => c.id)}::int[], ${col((c) => c.hash)}::text[], ${col((c) => c.s.source)}::text[], ${col((c) => c.s.wording)}::text[], ${col((c) => c.s.ipHash)}::text[])
              as v(id, hash, source, wording, ip_hash)
            where s.id = v.id`,
      )
    }
    await queueEmails(req, emails)
    return results
  })
}

export const confirm: Endpoint = {
  path: '/confirm',
  method: 'post',
  handler: async (req) => {
    if (!fromSite(req)) return json(401, { error: 'Not allowed.' })
    const b = await jsonObject(req)
    const token = typeof b?.token === 'string' && b.token.length <= 200 ? b.token : ''
    if (!token) return json(200, { result: 'invalid' })
    try {
      return await inTransaction(req, async () => {
        const [row] = (await execute(
          req,
          sql`select id, email, status, confirm_token_expires_at from subscribers where confirm_token_hash = ${hashToken(token)} for update`,
        )) as unknown as { id: number; email: string; status: string; confirm_token_expires_at: Date | null }[]
        if (!row) return json(200, { result: 'invalid' })
        // The same link pressed again (a second click, the email opened on another device): the
        // reader is told they are subscribed, not to sign up again. It changes nothing.
        if (row.status === 'confirmed') return json(200, { result: 'already_confirmed' })
        if (!row.confirm_token_expires_at || new Date(row.confirm_token_expires_at).getTime() < Date.now()) {
          return json(200, { result: 'expired' })
        }
        // Single use: once used, the token confirms nothing more (its expiry is gone); its hash stays
        // only to recognise the link while the subscription lasts (unsubscribing or a new signup
        // replaces it). One statement on the locked row, as signup does.
        await execute(
          req,
          sql`update subscribers set status = 'confirmed', confirm_token_expires_at = null,
                consent_confirmed_at = now(), unsubscribed_at = null, updated_at = now() where id = ${row.id}`,
        )
        // A fresh double opt-in after an erasure lifts that erasure's suppression (never a bounce's or a complaint's).
        await execute(req, sql`delete from newsletter_suppressions where email_hash = ${suppressionHash(row.email)} and reason = 'erased'`)
        await queueEmails(req, [welcomeEmail(row.email, row.id)])
        return json(200, { result: 'confirmed' })
      })
    } catch (err) {
      req.payload.logger.error({ err, msg: 'newsletter confirm failed' })
      return json(503, { error: 'Confirming is unavailable for a moment. Please try the link again shortly.' })
    }
  },
}

export const unsubscribe: Endpoint = {
  path: '/unsubscribe',
  method: 'post',
  handler: async (req) => {
    if (!fromSite(req)) return json(401, { error: 'Not allowed.' })
    const b = await jsonObject(req)
    const id = verifyUnsubscribeToken(b?.token)
    if (!id) return json(200, { result: 'invalid' })
    try {
      const rows = await execute(
        req,
        sql`update subscribers set status = 'unsubscribed', unsubscribed_at = now(), confirm_token_hash = null, updated_at = now()
            where id = ${id} and status <> 'unsubscribed' returning id`,
      )
      // Idempotent: unsubscribing twice, or an erased subscriber, is still "you are unsubscribed"
      // (and the first time is the date kept). A subscription confirmed again clears the date, so
      // the next unsubscribe records its own.
      return json(200, { result: 'unsubscribed', changed: rows.length > 0 })
    } catch (err) {
      req.payload.logger.error({ err, msg: 'newsletter unsubscribe failed' })
      return json(503, { error: 'Unsubscribing is unavailable for a moment. Please try again shortly.' })
    }
  },
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v)
  // Quote everything; neutralise spreadsheet formulas (CSV injection).
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`
}

export const exportCsv: Endpoint = {
  path: '/export.csv',
  method: 'get',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(req.user ? 403 : 401, { error: 'Only admins can export subscribers.' })
    const rows = await execute(
      req,
      sql`select email, status, created_at, consent_signed_up_at, consent_confirmed_at, unsubscribed_at, consent_source_page from subscribers order by id`,
    )
    const header = ['email', 'status', 'created_at', 'signed_up_at', 'confirmed_at', 'unsubscribed_at', 'source_page']
    const lines = [
      header.join(','),
      ...rows.map((r) =>
        Object.values(r)
          .map((v) => csvCell(v instanceof Date ? v.toISOString() : v))
          .join(','),
      ),
    ]
    return new Response(lines.join('\r\n') + '\r\n', {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="runsense-subscribers.csv"', 'cache-control': 'no-store' },
    })
  },
}

export const counts: Endpoint = {
  path: '/counts',
  method: 'get',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(req.user ? 403 : 401, { error: 'Only admins can see subscriber counts.' })
    const rows = await execute(req, sql`select status, count(*)::int as n from subscribers group by status`)
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]))
    const stats = await req.payload.findGlobal({ slug: 'newsletter-stats', overrideAccess: true, req })
    return json(200, { pending: byStatus.pending ?? 0, confirmed: byStatus.confirmed ?? 0, unsubscribed: byStatus.unsubscribed ?? 0, erased: stats.erasedCount ?? 0 })
  },
}
