/**
 * Subscriber data rights, for admins: export everything stored about one subscriber (JSON), and
 * erase them (deleting the subscriber in the admin or over REST). Erasure keeps no address:
 * delivery rows stay as anonymous counts, their SMTP answers are dropped, and the suppression
 * list keeps only the keyed hash, so an address that complained or bounced is never mailed again.
 */
import type { CollectionAfterDeleteHook, CollectionBeforeDeleteHook, Endpoint } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { isAdminUser } from '../../access/roles'
import { execute } from '../../lib/db'
import { json } from '../../lib/http'
import { suppress, suppressionHash } from '../NewsletterSuppressions/suppression'

export const exportSubscriber: Endpoint = {
  path: '/:id/export',
  method: 'get',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(req.user ? 403 : 401, { error: 'Only admins can export a subscriber’s data.' })
    const id = Number(req.routeParams?.id)
    const [subscriber] = Number.isInteger(id) ? await execute(req, sql`select * from subscribers where id = ${id}`) : []
    if (!subscriber) return json(404, { error: 'No such subscriber.' })
    // The confirmation token's hash is a credential, not data about the person.
    delete subscriber.confirm_token_hash
    const deliveries = await execute(
      req,
      sql`select i.subject as issue, i.slug as issue_slug, d.status, d.attempts, d.sent_at, d.smtp_response, d.message_id, d.created_at
          from newsletter_deliveries d join newsletter_issues i on i.id = d.issue_id where d.subscriber_id = ${id} order by d.id`,
    )
    const suppression = await execute(req, sql`select reason, at from newsletter_suppressions where email_hash = ${suppressionHash(String(subscriber.email))}`)
    const body = { exportedAt: new Date().toISOString(), subscriber, newsletterDeliveries: deliveries, suppression: suppression[0] ?? null }
    return new Response(JSON.stringify(body, null, 2), {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="runsense-subscriber-${id}.json"`,
        'cache-control': 'no-store',
      },
    })
  },
}

/** Before the row goes: SMTP answers may quote the address; drop them from the delivery rows. */
export const forgetDeliveries: CollectionBeforeDeleteHook = async ({ req, id }) => {
  await execute(req, sql`update newsletter_deliveries set smtp_response = null, message_id = null where subscriber_id = ${Number(id)}`)
}

/** After: the suppression list keeps the hash only (added as "erased" when it was not there). */
export const keepOnlyAHash: CollectionAfterDeleteHook = async ({ req, doc }) => {
  const email = String(doc?.email ?? '')
  if (!email) return
  const hash = suppressionHash(email)
  await execute(req, sql`update newsletter_suppressions set email = null, updated_at = now() where email_hash = ${hash}`)
  await suppress(req, null, hash, 'erased', new Date())
}
