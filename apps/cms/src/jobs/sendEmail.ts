import type { Client, ClientConfig } from 'pg'
import type { Payload, PayloadRequest, TaskConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import pLimit from 'p-limit'
import { cappedBackoff } from './backoff'
import { jobSettings, smtpSettings } from './settings'
import { execute } from '../lib/db'

/** The jobs queue emails run on (queueEmails says why it is their own). */
export const EMAIL_QUEUE = 'email'

/**
 * One email as the jobs queue carries it. `key` is its delivery record's key when it already has
 * one: an email of a failed job that an admin retried keeps its record (and its Message-ID).
 */
export type Email = { to: string; subject: string; text: string; headers?: Record<string, string>; kind: string; key?: string }

/**
 * Every email leaves through this task on Payload's jobs queue: queued inside the transaction
 * that decides to send it (so it exists only if that commits), sent by the queue runner, and
 * retried with backoff while SMTP is down. A request never waits on SMTP.
 *
 * One job carries every email one decision sends (a batch of signups, a notice to several
 * editors): the queue's cost is paid once per decision, not once per email. Its emails leave in
 * parallel over the pooled transport (lib/smtp.ts), one per connection.
 *
 * Delivery is at-least-once, made effectively once by an idempotency record per email
 * (email_deliveries, keyed by the job and the email's place in it): "sending" is written before
 * the SMTP hand-off and "sent" right after it, each in its own statement outside any transaction.
 * A job run again (a retry, or taken up after its worker died, jobs/lease.ts) skips the emails
 * recorded as sent and sends only the rest. Only a worker that dies in the milliseconds between
 * SMTP accepting a message and "sent" being written can cause a second copy; the run after it
 * finds "sending" and counts it in `resends_after_crash`.
 */
export const sendEmailTask: TaskConfig<'sendEmail'> = {
  slug: 'sendEmail',
  label: 'Send emails',
  // 2 s, doubling up to 15 minutes, 150 attempts: about a day and a half of SMTP outage before an
  // email is given up (12 doubling attempts gave up after about 2 hours: a confirmation lost to an
  // evening's outage), and an email leaves at most 15 minutes after SMTP is back.
  ...cappedBackoff({ attempts: 150, firstMs: 2000, capMs: 15 * 60_000 }),
  inputSchema: [{ name: 'emails', type: 'json', required: true }],
  handler: async ({ input, job, req }) => {
    const emails = emailsOf(input)
    const outcomes = await Promise.all(emails.map((email, i) => sending(() => deliver(req.payload, deliveryKey(job, email, i), Number(job.id), email)).catch(asError)))
    const failed = outcomes.filter((o): o is Error => o instanceof Error)
    // Records of emails long sent protect nothing any more (their jobs are gone): drop them now and then.
    if (Math.random() < 0.01) await record(req.payload, 'claim', `delete from email_deliveries where state = 'sent' and sent_at < now() - interval '30 days'`, []).catch(() => {})
    if (failed.length) {
      // The job is tried again; the emails that left are recorded as sent and skipped then.
      throw new Error(`${failed.length} of ${emails.length} email(s) not sent yet: ${failed[0].message}`, { cause: failed[0] })
    }
    return { output: { sent: outcomes.filter((o) => o === 'sent').length, alreadySent: outcomes.filter((o) => o === 'already-sent').length } }
  },
}

/**
 * An email's idempotency key: the one it carries, else the job's id and creation time and its
 * place in the job name it for good (ids alone could repeat after a reset).
 */
const deliveryKey = (job: { id: number | string; createdAt: string | Date }, email: Email, i: number) => {
  if (email.key) return email.key
  const base = `job:${job.id}:${new Date(job.createdAt).getTime()}`
  return i === 0 ? base : `${base}:${i}`
}

/**
 * The emails of a job that failed for good that have not left (its delivery records say which
 * did), for an admin's retry (endpoints/retryJob.ts): a new job sends them, none twice. Each keeps
 * its delivery record, so one cut off mid-send by a crash is found "sending" by the new job and
 * counted as a possible duplicate, as a resumed job counts it.
 */
export async function unsentEmailsOf(req: PayloadRequest, job: { id: number; createdAt: string | Date; input: unknown }): Promise<Email[]> {
  const emails = emailsOf(job.input)
  if (!emails.length) return []
  const keys = emails.map((email, i) => deliveryKey(job, email, i))
  const listed = sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  )
  const sent = new Set((await execute(req, sql`select key from email_deliveries where state = 'sent' and key in (${listed})`)).map((r) => String(r.key)))
  return emails.flatMap((email, i) => (sent.has(keys[i]) ? [] : [{ ...email, key: keys[i] }]))
}

/**
 * Queues the emails one decision sends, as one job in the caller's transaction (nothing when there
 * are none), on the queue of their own: a run of email jobs lasts as long as its slowest send (up
 * to the SMTP timeouts while the server hangs), and the queue starts no run while one is going, so
 * on the default queue they would hold up scheduled publishing and the site's revalidations.
 */
export async function queueEmails(req: PayloadRequest, emails: Email[]) {
  if (!emails.length) return
  await req.payload.jobs.queue({ task: 'sendEmail', queue: EMAIL_QUEUE, input: { emails: emails.map((e) => ({ ...e, headers: e.headers ?? {} })) }, req })
}

/**
 * Sends in progress in this process: at most one per pooled SMTP connection (lib/smtp.ts). An
 * email is claimed only when a connection is free to take it, so a crash can cut off no more
 * sends than there are connections (the window described above).
 */
const sending = pLimit(smtpSettings.connections)

/**
 * When SMTP does not answer (down, or hung until a timeout), the emails behind fail at once for
 * the next few seconds instead of each waiting out the timeouts; their jobs are retried with
 * backoff. So a hung server costs one round of timeouts, and the queue keeps moving.
 */
let smtpUnansweredUntil = 0
const CONNECTION_FAILURES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET'])
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)))

/** The job's emails; a job queued before batches carried one email as its whole input. */
function emailsOf(input: unknown): Email[] {
  const i = input as { emails?: Email[] } & Partial<Email>
  if (Array.isArray(i.emails)) return i.emails
  return [{ to: String(i.to), subject: String(i.subject), text: String(i.text), headers: i.headers, kind: i.kind ?? 'email' }]
}

/** Sends one email unless its record says it already left: 'sent' or 'already-sent'; throws when it could not be sent now. */
async function deliver(payload: Payload, key: string, jobId: number, email: Email): Promise<'sent' | 'already-sent'> {
  if (Date.now() < smtpUnansweredUntil) throw new Error('The SMTP server did not answer a moment ago; this email will be tried again.')
  const claim = await claimDelivery(payload, key, { jobId, kind: email.kind ?? null, to: email.to })
  if (claim === 'sent') return 'already-sent'
  if (claim === 'busy') throw new Error('Another worker is sending this email right now; it will be checked again.')
  try {
    await payload.sendEmail({
      // The same Message-ID on every attempt: a resend after a crash is recognisably the same
      // email (many mailbox providers show it once).
      messageId: `<${key.replace(/:/g, '.')}@${(process.env.EMAIL_FROM || 'guides@runsense.local').split('@')[1] || 'runsense.local'}>`,
      to: email.to,
      subject: email.subject,
      text: email.text,
      headers: email.headers,
    })
  } catch (err) {
    if (CONNECTION_FAILURES.has(String((err as { code?: string }).code))) smtpUnansweredUntil = Date.now() + smtpSettings.greetingTimeoutMs
    await record(payload, 'done', `update email_deliveries set state = 'failed', last_error = $2 where key = $1`, [key, String((err as Error).message).slice(0, 500)]).catch(
      () => {},
    )
    throw err
  }
  await record(payload, 'done', `update email_deliveries set state = 'sent', sent_at = now(), last_error = null where key = $1`, [key])
  return 'sent'
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
 * own lane. They are opened with the pool's settings but outside it, so they never queue for a
 * free pooled connection nor time out waiting for one (DATABASE_POOL_WAIT_MS): a full pool cannot
 * turn an email that left into one recorded as still sending. A broken connection is dropped and
 * the next record opens a new one.
 */
type Lane = 'claim' | 'done'
const held: Record<Lane, Promise<Client> | null> = { claim: null, done: null }
async function record(payload: Payload, lane: Lane, text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  if (!held[lane]) {
    const pool = (payload.db as unknown as { pool: { Client: typeof Client; options: ClientConfig } }).pool
    const client = new pool.Client(pool.options)
    const connecting = client.connect().then(() => client)
    // Listened to from the start: a connection lost while idle must not crash the process.
    client.on('error', () => drop(lane, connecting, client))
    connecting.catch(() => {
      if (held[lane] === connecting) held[lane] = null
      client.end().catch(() => {})
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

function drop(lane: Lane, which: Promise<Client>, client: Client) {
  if (held[lane] !== which) return
  held[lane] = null
  client.end().catch(() => {})
}
