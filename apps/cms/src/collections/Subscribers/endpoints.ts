/**
 * The only writers of Subscribers, called server to server by the site with NEWSLETTER_SECRET:
 * POST /api/subscribers/signup, /confirm, /unsubscribe. Plus the admins' CSV export.
 * They run with overrideAccess (the collection refuses every generic write) inside one
 * transaction with a per-address row lock, so concurrent signups cannot double anything.
 */
import type { Endpoint, PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { hashEmail, hashIp } from '@runsense/domain/email'
import { normaliseSignupEmail } from '@runsense/domain/signup-email'
import { isAdminUser } from '../../access/roles'
import { execute, inTransaction } from '../../lib/db'
import { json, jsonObject } from '../../lib/http'
import { fromSite } from '../../lib/sharedSecret'
import { hit, signupLimits } from '../../lib/rateLimit'
import { suppressionHash } from '../NewsletterSuppressions/suppression'
import { alreadySubscribedEmail, confirmationEmail, type Email, welcomeEmail } from './emails'
import { CONFIRM_TOKEN_TTL_MS, hashToken, newConfirmToken, verifyUnsubscribeToken } from './tokens'

const RESEND_AFTER_MS = 10 * 60 * 1000

const queueEmail = (req: PayloadRequest, email: Email) => req.payload.jobs.queue({ task: 'sendEmail', input: { ...email, headers: email.headers ?? {} }, req })

type Subscriber = { id: number; status: string; confirm_sent_at: Date | null }

export const signup: Endpoint = {
  path: '/signup',
  method: 'post',
  handler: async (req) => {
    if (!fromSite(req)) return json(401, { error: 'Not allowed.' })
    const b = await jsonObject(req)
    const parsed = normaliseSignupEmail(b?.email)
    if (!parsed.ok) return json(400, { error: parsed.error })
    const email = parsed.email
    const source = typeof b?.source === 'string' ? b.source.slice(0, 200) : null
    const wording = typeof b?.wording === 'string' ? b.wording.slice(0, 1000) : null
    const ipHash = typeof b?.ip === 'string' && b.ip ? hashIp(b.ip, process.env.PAYLOAD_SECRET || 'runsense') : null

    try {
      return await inTransaction(req, async () => {
        const limits = signupLimits()
        const ipWait = ipHash ? await hit(req, `signup:ip:${ipHash}`, limits.perIp, limits.ipWindowSeconds) : null
        const emailWait = await hit(req, `signup:email:${hashEmail(email, process.env.PAYLOAD_SECRET || 'runsense')}`, limits.perEmail, limits.emailWindowSeconds)
        const wait = ipWait ?? emailWait
        if (wait) {
          // The counters must stick even though we refuse: commit them, answer 429.
          return json(429, { error: 'Too many signup attempts. Please wait a little and try again.', retryAfter: wait }, { 'Retry-After': String(wait) })
        }

        // One row per address: create it if missing, then lock it for this transaction.
        await execute(req, sql`insert into subscribers (email, status, updated_at, created_at) values (${email}, 'pending', now(), now()) on conflict (email) do nothing`)
        const [row] = (await execute(req, sql`select id, status, confirm_sent_at from subscribers where email = ${email} for update`)) as unknown as Subscriber[]
        const now = new Date()
        const consent = { signedUpAt: now.toISOString(), sourcePage: source, wording, ipHash }

        if (row.status === 'confirmed') {
          await queueEmail(req, alreadySubscribedEmail(email, row.id))
        } else if (row.status === 'unsubscribed' || !row.confirm_sent_at || now.getTime() - new Date(row.confirm_sent_at).getTime() > RESEND_AFTER_MS) {
          const { token, hash } = newConfirmToken()
          // One statement on the row locked above (the collection has no update hooks; this
          // endpoint is its only writer, see the top of the file).
          await execute(
            req,
            sql`update subscribers set status = 'pending', confirm_token_hash = ${hash},
                  confirm_token_expires_at = ${new Date(now.getTime() + CONFIRM_TOKEN_TTL_MS).toISOString()},
                  confirm_sent_at = ${now.toISOString()},
                  consent_signed_up_at = ${consent.signedUpAt}, consent_confirmed_at = null,
                  consent_source_page = ${consent.sourcePage}, consent_wording = ${consent.wording}, consent_ip_hash = ${consent.ipHash},
                  updated_at = now()
                where id = ${row.id}`,
          )
          await queueEmail(req, confirmationEmail(email, token))
        }
        // Pending and asked again within 10 minutes: nothing to do (a double click sends one email).
        return json(202, { ok: true })
      })
    } catch (err) {
      req.payload.logger.error({ err, msg: 'newsletter signup failed' })
      // Whatever failed (usually the database), nothing was acknowledged: a 503 with a sentence.
      return json(503, { error: 'Signups are unavailable for a moment. Please try again shortly.' })
    }
  },
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
          sql`select id, email, confirm_token_expires_at from subscribers where confirm_token_hash = ${hashToken(token)} for update`,
        )) as unknown as { id: number; email: string; confirm_token_expires_at: Date | null }[]
        if (!row) return json(200, { result: 'invalid' })
        if (!row.confirm_token_expires_at || new Date(row.confirm_token_expires_at).getTime() < Date.now()) {
          return json(200, { result: 'expired' })
        }
        // Single use: the token is gone once used. One statement on the locked row, as signup does.
        await execute(
          req,
          sql`update subscribers set status = 'confirmed', confirm_token_hash = null, confirm_token_expires_at = null,
                consent_confirmed_at = now(), updated_at = now() where id = ${row.id}`,
        )
        // A fresh double opt-in after an erasure lifts that erasure's suppression (never a bounce's or a complaint's).
        await execute(req, sql`delete from newsletter_suppressions where email_hash = ${suppressionHash(row.email)} and reason = 'erased'`)
        await queueEmail(req, welcomeEmail(row.email, row.id))
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
        sql`update subscribers set status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, now()), confirm_token_hash = null, updated_at = now()
            where id = ${id} and status <> 'unsubscribed' returning id`,
      )
      // Idempotent: unsubscribing twice, or an erased subscriber, is still "you are unsubscribed".
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
