/**
 * POST /api/newsletter-events: the mail provider's bounce and complaint webhook.
 * Authenticated with NEWSLETTER_EVENTS_SECRET (`Authorization: Bearer <secret>`); body
 * `{ "email", "type": "hard_bounce" | "soft_bounce" | "complaint", "at"? }` or an array of them.
 * Hard bounces and complaints suppress the address for good; a soft bounce re-queues the
 * address's latest sent delivery with backoff, and marks it failed after the last attempt or when
 * its send was cancelled (afterSoftBounce).
 */
import type { Endpoint } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { type IssueStatus, afterSoftBounce, parseMailEvents } from '@runsense/domain/newsletter'
import { execute, inTransaction } from '../../lib/db'
import { json } from '../../lib/http'
import { fromMailProvider } from '../../lib/sharedSecret'
import { suppress, suppressionHash } from './suppression'

export const newsletterEvents: Endpoint = {
  path: '/newsletter-events',
  method: 'post',
  handler: async (req) => {
    if (!fromMailProvider(req)) return json(401, { error: 'A valid webhook secret is required (Authorization: Bearer <NEWSLETTER_EVENTS_SECRET>).' })
    let body: unknown
    try {
      body = await (req as unknown as Request).json()
    } catch {
      return json(400, { error: 'The body must be JSON: one event or an array of events.' })
    }
    const parsed = parseMailEvents(body)
    if (!parsed.ok) return json(400, { error: parsed.error })
    try {
      const result = await inTransaction(req, async () => {
        let suppressed = 0
        let retried = 0
        let failed = 0
        for (const e of parsed.events) {
          if (e.type === 'hard_bounce' || e.type === 'complaint') {
            await suppress(req, e.email, suppressionHash(e.email), e.type, e.at)
            // Nothing still waiting goes to them (the sender checks the list again when it claims).
            await execute(
              req,
              sql`update newsletter_deliveries d set status = 'suppressed', smtp_response = ${`suppressed: ${e.type}`}
                  from subscribers s where s.id = d.subscriber_id and s.email = ${e.email} and d.status = 'queued'`,
            )
            suppressed++
            continue
          }
          // The issue's row is held too: a cancel (which locks it) cannot slip in between this
          // read and the re-queue and leave the delivery waiting on a send that is over.
          const [last] = (await execute(
            req,
            sql`select d.id, d.attempts, i.status as issue_status from newsletter_deliveries d
                join subscribers s on s.id = d.subscriber_id join newsletter_issues i on i.id = d.issue_id
                where s.email = ${e.email} and d.status = 'sent' order by d.sent_at desc nulls last limit 1 for update of d for share of i`,
          )) as { id: number; attempts: number; issue_status: IssueStatus }[]
          if (!last) continue
          const next = afterSoftBounce(last.attempts, last.issue_status)
          if ('failed' in next) {
            await execute(req, sql`update newsletter_deliveries set status = 'failed', smtp_response = ${next.failed} where id = ${last.id}`)
            failed++
          } else {
            await execute(
              req,
              sql`update newsletter_deliveries set status = 'queued', smtp_response = 'soft bounce: will retry',
                    next_attempt_at = now() + make_interval(secs => ${next.retryInSeconds}) where id = ${last.id}`,
            )
            retried++
          }
        }
        return { suppressed, retried, failed }
      })
      return json(200, { ok: true, events: parsed.events.length, ...result })
    } catch (err) {
      req.payload.logger.error({ err, msg: 'newsletter events failed' })
      return json(503, { error: 'Events cannot be recorded right now; please retry.' })
    }
  },
}
