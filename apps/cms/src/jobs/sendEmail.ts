import type { Pool, PoolClient } from 'pg'
import type { Payload, TaskConfig } from 'payload'
import { jobSettings } from './settings'

/**
 * Every email leaves through this task on Payload's jobs queue: queued inside the transaction
 * that decides to send it (so it exists only if that commits), sent by the queue runner, and
 * retried with backoff while SMTP is down. A request never waits on SMTP.
 *
 * Delivery is at-least-once, made effectively once by an idempotency record (email_deliveries,
 * keyed by the job): "sending" is written before the SMTP hand-off and "sent" right after it,
 * each in its own statement outside any transaction. A job run again (a retry, or taken up after
 * its worker died, jobs/lease.ts) skips an email recorded as sent. Only a worker that dies in
 * the milliseconds between SMTP accepting the message and "sent" being written can cause a
 * second copy; the run after it finds "sending" and counts it in `resends_after_crash`.
 */
export const sendEmailTask: TaskConfig<'sendEmail'> = {
  slug: 'sendEmail',
  label: 'Send an email',
  retries: { attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  inputSchema: [
    { name: 'to', type: 'text', required: true },
    { name: 'subject', type: 'text', required: true },
    { name: 'text', type: 'textarea', required: true },
    { name: 'headers', type: 'json' },
    { name: 'kind', type: 'text' },
  ],
  handler: async ({ input, job, req }) => {
    // The job's id and creation time name this email for good (ids alone could repeat after a reset).
    const key = `job:${job.id}:${new Date(job.createdAt).getTime()}`
    const claim = await claimDelivery(req.payload, key, { jobId: Number(job.id), kind: (input.kind as string | undefined) ?? null, to: input.to })
    if (claim === 'sent') return { output: { alreadySent: true } }
    if (claim === 'busy') throw new Error('Another worker is sending this email right now; it will be checked again.')
    try {
      await req.payload.sendEmail({
        // The same Message-ID on every attempt: a resend after a crash is recognisably the same
        // email (many mailbox providers show it once).
        messageId: `<${key.replace(/:/g, '.')}@${(process.env.EMAIL_FROM || 'guides@runsense.local').split('@')[1] || 'runsense.local'}>`,
        to: input.to,
        subject: input.subject,
        text: input.text,
        headers: (input.headers as Record<string, string> | undefined) ?? undefined,
      })
    } catch (err) {
      await record(req.payload, 'done', `update email_deliveries set state = 'failed', last_error = $2 where key = $1`, [key, String((err as Error).message).slice(0, 500)]).catch(
        () => {},
      )
      throw err
    }
    await record(req.payload, 'done', `update email_deliveries set state = 'sent', sent_at = now(), last_error = null where key = $1`, [key])
    // Records of emails long sent protect nothing any more (their jobs are gone): drop them now and then.
    if (Math.random() < 0.01) await record(req.payload, 'claim', `delete from email_deliveries where state = 'sent' and sent_at < now() - interval '30 days'`, []).catch(() => {})
    return { output: {} }
  },
}

/**
 * Takes the right to send one email: 'send' (go ahead), 'sent' (it already left: nothing to do) or
 * 'busy' (another worker holds it right now). A "sending" record whose claim has passed means the
 * worker died mid-send: sending again is right (it may not have left) and is counted.
 */
async function claimDelivery(payload: Payload, key: string, { jobId, kind, to }: { jobId: number; kind: string | null; to: string }) {
  const claimed = await record(
    payload,
    'claim',
    `insert into email_deliveries as d (key, job_id, kind, recipient, state, attempts, claimed_until)
     values ($1, $2, $3, $4, 'sending', 1, now() + make_interval(secs => $5))
     on conflict (key) do update set
       state = 'sending',
       attempts = d.attempts + 1,
       resends_after_crash = d.resends_after_crash + (d.state = 'sending')::int,
       claimed_until = excluded.claimed_until
     where d.state = 'failed' or (d.state = 'sending' and d.claimed_until < now())
     returning d.resends_after_crash`,
    [key, jobId, kind, to, jobSettings.leaseMs / 1000],
  )
  if (claimed.length) {
    if (Number(claimed[0].resends_after_crash) > 0) payload.logger.warn(`email ${key} to ${to}: its last send was cut off by a crash; sending again (may be a duplicate)`)
    return 'send' as const
  }
  const [row] = await record(payload, 'claim', `select state from email_deliveries where key = $1`, [key])
  return row?.state === 'sent' ? ('sent' as const) : ('busy' as const)
}

/**
 * The delivery records go through two connections held for them alone, outside any transaction:
 * "sent" must be written the moment SMTP has accepted the email, not after waiting for a pooled
 * connection behind other jobs' transactions, nor behind the claims of a batch starting (that
 * wait is the window in which a crash causes a duplicate). So claims and outcomes each have their
 * own lane. A broken connection is dropped and the next record opens a new one. (They are two of
 * the Payload pool's connections, held while the process runs.)
 */
type Lane = 'claim' | 'done'
const held: Record<Lane, Promise<PoolClient> | null> = { claim: null, done: null }
async function record(payload: Payload, lane: Lane, text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  if (!held[lane]) {
    const pool = (payload.db as unknown as { pool: Pool }).pool
    const connecting = pool.connect().then((client) => {
      client.on('error', () => drop(lane, connecting, client))
      return client
    })
    connecting.catch(() => {
      if (held[lane] === connecting) held[lane] = null
    })
    held[lane] = connecting
  }
  const mine = held[lane]!
  const client = await mine
  try {
    return (await client.query(text, values)).rows
  } catch (err) {
    // A statement error (with a SQLSTATE) leaves the connection usable; anything else drops it.
    if (!(err as { code?: string }).code) drop(lane, mine, client)
    throw err
  }
}

function drop(lane: Lane, which: Promise<PoolClient>, client: PoolClient) {
  if (held[lane] !== which) return
  held[lane] = null
  try {
    client.release(true)
  } catch {}
}
