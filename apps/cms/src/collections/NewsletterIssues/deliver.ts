/**
 * Sending an issue's deliveries, on any number of CMS processes at once.
 *
 * A delivery row is claimed before it is sent: one UPDATE over rows picked with
 * `FOR UPDATE SKIP LOCKED`, so two workers never claim the same row; the claim carries a lease
 * (NEWSLETTER_LEASE_SECONDS, default 60). A worker never starts a message once its lease is
 * nearly over, and records each message as soon as the SMTP server accepts it. If a process
 * dies (SIGKILL, power), its claimed rows become claimable again when the lease expires and
 * the watcher queues new batch jobs, so the send resumes by itself.
 *
 * The one window no design closes: the SMTP server accepted a message and the process died
 * before the "sent" UPDATE committed (a few milliseconds per message). That row is sent again
 * after the lease; it is marked `reclaimed`, and it carries the same Message-ID both times so
 * mail providers can drop the copy.
 *
 * Claims are small (CLAIM_SIZE rows) and re-check the subscriber at claim time, so someone
 * who unsubscribes, is erased or is suppressed mid-send gets nothing claimed after that.
 *
 * A cancel stops the send promptly: each "sent" record also reads the issue's status, and a lane
 * reads that record before it starts its next message, so once a cancel has committed each lane
 * sends at most the one message it had already started; the rows it still holds are marked
 * cancelled (not handed back to the queue). Nothing a cancelled send holds is ever queued again:
 * a row released or refused with a 4xx after the cancel is marked cancelled, not queued.
 */
import { type PayloadRequest, type TaskConfig, createLocalReq } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from '@runsense/domain/newsletter'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { execute, inTransaction } from '../../lib/db'
import { revalidateAfterCommit } from '../../lib/revalidate'
import { suppressedSql } from '../NewsletterSuppressions/suppression'
import { type RawTemplate, type Rendered, compileRawTemplate, issueMessage, rawMessageFor } from './message'
import { refuseScheduled, startSending, workersPerSend } from './send'
import { newsletterTransport, smtpConnections } from './transport'

const CLAIM_SIZE = 20
/** Seconds a claim lasts; a dead worker's rows are sent by another after this. */
export const leaseSeconds = () => Math.max(10, Number(process.env.NEWSLETTER_LEASE_SECONDS) || 60)
/** A worker stops starting messages this long before its lease ends (SMTP socket timeout + margin). */
const leaseMarginMs = () => Math.min(25_000, (leaseSeconds() * 1000) / 2)
/** One batch job sends for at most this long, then hands over to a fresh job. */
const JOB_BUDGET_MS = 5 * 60_000

// Claims and records must commit at once (other workers and the progress view read them):
// always on the pool, never in a request's transaction.
const direct = (req: PayloadRequest) => ({ payload: req.payload }) as PayloadRequest

type Claimed = { id: number; ok: boolean; email: string | null; confirmed_at: Date | null; subscriber_id: number | null; attempts: number }

async function claim(req: PayloadRequest, issueId: number): Promise<Claimed[]> {
  return (await execute(
    direct(req),
    sql`with picked as (
          select d.id, d.subscriber_id from newsletter_deliveries d
          where d.issue_id = ${issueId}
            and ((d.status = 'queued' and d.next_attempt_at <= now()) or (d.status = 'claimed' and d.lease_until < now()))
            and exists (select 1 from newsletter_issues i where i.id = d.issue_id and i.status in ('sending', 'sent'))
          order by d.id
          limit ${CLAIM_SIZE}
          for update of d skip locked),
        checked as (
          select p.id, s.id as subscriber_id, s.email, s.consent_confirmed_at,
                 (s.id is not null and s.status = 'confirmed' and not ${suppressedSql(sql.raw('s.email'))}) as ok
          from picked p left join subscribers s on s.id = p.subscriber_id)
        update newsletter_deliveries d set
          status = case when c.ok then 'claimed' else 'suppressed' end,
          reclaimed = d.reclaimed or d.status = 'claimed',
          attempts = case when c.ok then d.attempts + 1 else d.attempts end,
          lease_until = case when c.ok then now() + make_interval(secs => ${leaseSeconds()}) else null end,
          smtp_response = case when c.ok then d.smtp_response else 'not sent: unsubscribed, erased or suppressed before its turn' end
        from checked c
        where d.id = c.id
        returning d.id, c.ok, c.email, c.consent_confirmed_at as confirmed_at, c.subscriber_id, d.attempts`,
  )) as unknown as Claimed[]
}

/** Whether the row's issue is still being sent, read in the same statement as a write to the row. */
const issueStillSending = sql`(select i.status in ('sending', 'sent') from newsletter_issues i where i.id = newsletter_deliveries.issue_id) as sending`
/** Where a row goes back to when it is handed back: the queue, or nowhere once its send was cancelled. */
const backToQueue = sql`(case when (select i.status from newsletter_issues i where i.id = newsletter_deliveries.issue_id) = 'cancelled' then 'cancelled' else 'queued' end)`

/** Records an accepted message; answers whether the issue is still being sent (false once cancelled). */
const recordSent = async (req: PayloadRequest, id: number, response: string, messageId: string) => {
  const [row] = await execute(
    direct(req),
    sql`update newsletter_deliveries set status = 'sent', sent_at = now(), smtp_response = ${response.slice(0, 500)}, message_id = ${messageId}, lease_until = null
        where id = ${id} returning ${issueStillSending}`,
  )
  return row?.sending !== false
}

/** A cancelled send's rows that this worker still holds: not sent, and never queued again. */
const withdraw = (req: PayloadRequest, ids: number[]) =>
  ids.length
    ? execute(
        direct(req),
        sql`update newsletter_deliveries set status = 'cancelled', lease_until = null, smtp_response = 'not sent: the send was cancelled'
            where id in (${sql.join(
              ids.map((i) => sql`${i}`),
              sql`, `,
            )}) and status = 'claimed'`,
      )
    : Promise.resolve([])

/** Back to the queue without counting an attempt: the message never reached the server. */
const release = (req: PayloadRequest, ids: number[], why: string, afterSeconds: number) =>
  ids.length
    ? execute(
        direct(req),
        sql`update newsletter_deliveries set status = ${backToQueue}, attempts = greatest(attempts - 1, 0), lease_until = null, smtp_response = ${why},
              next_attempt_at = now() + make_interval(secs => ${afterSeconds})
            where id in (${sql.join(
              ids.map((i) => sql`${i}`),
              sql`, `,
            )}) and status = 'claimed'`,
      )
    : Promise.resolve([])

type SmtpError = Error & { responseCode?: number; response?: string; code?: string }

/**
 * Marks one refused message: 5xx is final; 4xx is retried with backoff, then failed (or cancelled,
 * once the send was). Answers whether the issue is still being sent.
 */
async function recordRefusal(req: PayloadRequest, row: Claimed, err: SmtpError) {
  const answer = (err.response || err.message).slice(0, 500)
  const final = (err.responseCode ?? 0) >= 500 || row.attempts >= MAX_DELIVERY_ATTEMPTS
  const [r] = await execute(
    direct(req),
    final
      ? sql`update newsletter_deliveries set status = 'failed', smtp_response = ${answer}, lease_until = null where id = ${row.id} returning ${issueStillSending}`
      : sql`update newsletter_deliveries set status = ${backToQueue}, smtp_response = ${answer}, lease_until = null,
              next_attempt_at = now() + make_interval(secs => ${retryDelaySeconds(row.attempts)}) where id = ${row.id} returning ${issueStillSending}`,
  )
  return r?.sending !== false
}

type Issue = { id: number; subject: string; rendered: Rendered; template: RawTemplate }
/** One batch job's tally, shared by its lanes: `cancelled` once any of them learns the send was cancelled. */
/** `broken`: a lane failed, so the job fails: the other lanes stop too (handing back what they claimed) before it ends. */
type Stats = { sent: number; failed: number; smtpDown: boolean; cancelled: boolean; broken: boolean }

/** One sender: claim a few rows, send them one by one through the pool, record each at once. */
async function lane(req: PayloadRequest, issue: Issue, deadline: number, stats: Stats) {
  const transport = newsletterTransport()
  while (Date.now() < deadline && !stats.smtpDown && !stats.cancelled && !stats.broken) {
    const claimedAt = Date.now()
    const rows = await claim(req, issue.id)
    if (!rows.length) return
    const sendable = rows.filter((r) => r.ok && r.email)
    // Each accepted message is recorded at once, and the lane talks SMTP for the next message
    // while the row is written, but never further ahead: it waits for the last record before
    // sending again (sendClaimed), so at most one sent-but-unrecorded message per lane is what a
    // crash can resend. Every record is awaited before the lane claims again or stops (a failed
    // record fails the job, and the row, still claimed, is sent again after its lease: the
    // documented window).
    const recording: Promise<unknown>[] = []
    const sent = await sendClaimed(req, issue, transport, sendable, claimedAt, stats, recording).then(
      () => null,
      (err: unknown) => ({ err }),
    )
    const failed = (await Promise.allSettled(recording)).find((r) => r.status === 'rejected')
    if (sent) throw sent.err
    if (failed) throw (failed as PromiseRejectedResult).reason
    if (stats.smtpDown || stats.cancelled || stats.broken) return
  }
}

/**
 * Sends one claim's rows in order; releases the rest when the lease nears its end or SMTP is down,
 * and withdraws them once the send was cancelled.
 */
async function sendClaimed(
  req: PayloadRequest,
  issue: Issue,
  transport: ReturnType<typeof newsletterTransport>,
  sendable: Claimed[],
  claimedAt: number,
  stats: Stats,
  recording: Promise<unknown>[],
) {
  for (let i = 0; i < sendable.length; i++) {
    const row = sendable[i]
    // One message recorded behind at most: the record of the one before this must be written
    // first. It also says whether the issue is still being sent: after a cancel, stop here.
    await recording.at(-1)?.catch(() => {})
    if (stats.cancelled) {
      await withdraw(
        req,
        sendable.slice(i).map((r) => r.id),
      )
      break
    }
    if (stats.smtpDown || stats.broken || Date.now() > claimedAt + leaseSeconds() * 1000 - leaseMarginMs()) {
      await release(
        req,
        sendable.slice(i).map((r) => r.id),
        'released unsent: lease ending or SMTP unavailable',
        stats.smtpDown ? 10 : 0,
      )
      break
    }
    const recipient = { to: row.email!, subscriberId: row.subscriber_id!, confirmedAt: row.confirmed_at, deliveryId: row.id }
    const fast = rawMessageFor(issue.template, recipient)
    const message = fast ? { envelope: fast.envelope, raw: fast.raw, messageId: fast.messageId } : issueMessage(issue, issue.rendered, recipient)
    try {
      const info = await transport.sendMail(message)
      const recorded = recordSent(req, row.id, String(info.response ?? ''), String(message.messageId)).then((sending) => {
        stats.sent++
        if (!sending) stats.cancelled = true
      })
      recorded.catch(() => {}) // observed by the lane's Promise.allSettled
      recording.push(recorded)
    } catch (e) {
      const err = e as SmtpError
      if (err.responseCode) {
        if (!(await recordRefusal(req, row, err))) stats.cancelled = true
        stats.failed++
      } else {
        // No SMTP answer at all (connection refused, timeout): the server is down. Stop this
        // job; the watcher queues a new one and the rows wait 10 s.
        stats.smtpDown = true
        req.payload.logger.warn(`Newsletter ${issue.id}: SMTP unavailable (${err.code ?? err.message}); pausing.`)
        await release(
          req,
          sendable.slice(i).map((r) => r.id),
          `SMTP unavailable: ${(err.code ?? err.message).slice(0, 200)}`,
          10,
        )
        return
      }
    }
  }
}

/**
 * The issue is sent once nothing is waiting or in flight; the site then lists it. The status, its
 * log line and the site's refresh (queued) commit together: a failure between them would leave an
 * issue "sent" that the next check skips, with no log line and a site that never lists it.
 */
export async function finishIfDone(req: PayloadRequest, issueId: number) {
  const own = await createLocalReq({}, req.payload)
  await inTransaction(own, async () => {
    const done = await execute(
      own,
      sql`update newsletter_issues set status = 'sent', sent_at = now(), updated_at = now()
          where id = ${issueId} and status = 'sending'
            and not exists (select 1 from newsletter_deliveries d where d.issue_id = ${issueId} and d.status in ('queued', 'claimed'))
          returning slug`,
    )
    if (!done.length) return
    await execute(
      own,
      sql`insert into newsletter_issues_log (_order, _parent_id, id, action, by_email, at, detail)
          select coalesce(max(_order), 0) + 1, ${issueId}, md5(random()::text), 'sent', 'system', now(),
                 (select count(*) filter (where status = 'sent') || ' sent, ' || count(*) filter (where status = 'failed') || ' failed'
                  from newsletter_deliveries where issue_id = ${issueId})
          from newsletter_issues_log where _parent_id = ${issueId}`,
    )
    await revalidateAfterCommit(own, tagsForChange({ kind: 'newsletterIssue', slugs: [String(done[0].slug)] }))
  })
}

export const newsletterBatchTask: TaskConfig<'newsletterBatch'> = {
  slug: 'newsletterBatch',
  label: 'Send a newsletter issue (one worker)',
  // Delivery rows carry their own retries and leases; a failed job is replaced by the watcher.
  retries: 0,
  inputSchema: [{ name: 'issue', type: 'number', required: true }],
  handler: async ({ input, req, job }) => {
    const [row] = await execute(direct(req), sql`select id, subject, rendered, status from newsletter_issues where id = ${input.issue}`)
    if (!row || !row.rendered || (row.status !== 'sending' && row.status !== 'sent')) return { output: { sent: 0 } }
    const base = { id: Number(row.id), subject: String(row.subject) }
    const issue = { ...base, rendered: row.rendered as Rendered, template: await compileRawTemplate(base, row.rendered as Rendered) }
    const stats: Stats = { sent: 0, failed: 0, smtpDown: false, cancelled: false, broken: false }
    const deadline = Date.now() + JOB_BUDGET_MS
    // Two lanes per pooled connection: one waits on the database while the other talks SMTP.
    // A lane that fails fails the job, but only once every lane has stopped: none sends on after the job is counted done.
    const lanes = await Promise.allSettled(
      Array.from({ length: smtpConnections() * 2 }, () =>
        lane(req, issue, deadline, stats).catch((err: unknown) => {
          stats.broken = true
          throw err
        }),
      ),
    )
    const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected')
    if (failure) throw failure.reason
    if (Date.now() >= deadline && !stats.smtpDown && !stats.cancelled) {
      await req.payload.jobs.queue({ task: 'newsletterBatch', queue: 'newsletter', input: { issue: issue.id } })
    }
    await finishIfDone(req, issue.id)
    req.payload.logger.info(`Newsletter ${issue.id}: job ${job.id} sent ${stats.sent}, refused ${stats.failed}.`)
    return { output: { sent: stats.sent, failed: stats.failed } }
  },
}

/**
 * What the watcher could not do on its last tick, in this process: step and issue → the error.
 * Each distinct failure is reported once, when it first happens (not on every 5 s tick): that
 * tick's job fails with it, so Payload logs it once and the desk's "Background jobs" lists it
 * (JobsHealth.tsx); while it keeps failing the same way the later ticks stay quiet, and once it
 * clears, a recurrence is reported again.
 */
const watchFailures = new Map<string, string>()
/** An error in words: the database's own sentence, not the query the driver wraps it in. */
const reasonOf = (err: unknown): string => {
  let e = err
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  return e instanceof Error ? e.message : String(e)
}

/**
 * Every few seconds, on every CMS process: starts scheduled issues whose time has come, keeps
 * batch jobs queued while deliveries are waiting (this is what resumes a send after a crash or
 * an SMTP outage), and closes finished sends. Each issue is handled on its own: one that throws
 * (a start that cannot be written, a send that cannot be closed) never stops the others.
 */
export const newsletterWatchTask: TaskConfig<'newsletterWatch'> = {
  slug: 'newsletterWatch',
  label: 'Start and resume newsletter sends',
  retries: 0,
  inputSchema: [],
  schedule: [
    {
      cron: process.env.NEWSLETTER_WATCH_CRON || '*/5 * * * * *',
      queue: 'newsletter',
      hooks: {
        // Payload's default skips scheduling while any earlier run is "processing", and a run
        // whose process was killed stays "processing" for ever: ignore runs older than a minute.
        beforeSchedule: async ({ req }) => {
          const [row] = await execute(
            direct(req),
            sql`select count(*)::int as n from payload_jobs where task_slug = 'newsletterWatch' and completed_at is null and has_error = false
                and (processing = false or updated_at > now() - interval '1 minute')`,
          )
          return { shouldSchedule: Number(row?.n ?? 0) === 0, input: {} }
        },
      },
    },
  ],
  handler: async ({ req }) => {
    const failures = new Map<string, string>()
    /** Runs one issue's step; a throw is noted (key: step and issue) and the tick goes on. */
    const step = async (key: string, what: string, fn: () => Promise<unknown>) => {
      try {
        await fn()
      } catch (err) {
        failures.set(key, `${what}: ${reasonOf(err)}`)
      }
    }

    const due = await execute(direct(req), sql`select id from newsletter_issues where status = 'scheduled' and scheduled_for <= now() order by id`)
    for (const { id } of due) {
      // A request of its own: each start is its own transaction, whatever the job's req holds.
      // One that fails is tried again on the next tick.
      await step(`start:${id}`, `Newsletter ${id}: the scheduled send could not be started or refused`, async () => {
        const res = await startSending(await createLocalReq({}, req.payload), Number(id), null, { asScheduled: true })
        if (res.status === 422) await refuseScheduled(await createLocalReq({}, req.payload), Number(id), ((res.body.missing as string[]) ?? []).join(' '))
      })
    }
    const waiting = await execute(
      direct(req),
      sql`select distinct d.issue_id from newsletter_deliveries d join newsletter_issues i on i.id = d.issue_id
          where i.status in ('sending', 'sent')
            and ((d.status = 'queued' and d.next_attempt_at <= now()) or (d.status = 'claimed' and d.lease_until < now()))
          order by d.issue_id`,
    )
    if (waiting.length) {
      const [jobs] = await execute(
        direct(req),
        sql`select count(*)::int as n from payload_jobs where task_slug = 'newsletterBatch' and completed_at is null and has_error = false and processing = false`,
      )
      if (Number(jobs?.n ?? 0) === 0) {
        for (const { issue_id } of waiting) {
          await step(`resume:${issue_id}`, `Newsletter ${issue_id}: its send could not be resumed`, async () => {
            for (let i = 0; i < workersPerSend(); i++) await req.payload.jobs.queue({ task: 'newsletterBatch', queue: 'newsletter', input: { issue: Number(issue_id) } })
          })
        }
      }
    }
    // A cancelled issue's rows that a dead worker still held, or that were handed back to the
    // queue as the cancel committed: nothing more goes out for it, so nothing remains.
    await step('withdraw', 'Newsletter: the rows of cancelled sends could not be withdrawn', () =>
      execute(
        direct(req),
        sql`update newsletter_deliveries d set status = 'cancelled', lease_until = null from newsletter_issues i
            where i.id = d.issue_id and i.status = 'cancelled' and (d.status = 'queued' or (d.status = 'claimed' and d.lease_until < now()))`,
      ),
    )
    const sending = await execute(direct(req), sql`select id from newsletter_issues where status = 'sending' order by id`)
    for (const { id } of sending) await step(`finish:${id}`, `Newsletter ${id}: its finished send could not be closed`, () => finishIfDone(req, Number(id)))

    const fresh = [...failures].filter(([key, message]) => watchFailures.get(key) !== message)
    for (const key of watchFailures.keys()) {
      if (!failures.has(key)) req.payload.logger.info(`${watchFailures.get(key)!.split(':')[0]}: handled again (${key}).`)
    }
    watchFailures.clear()
    for (const [key, message] of failures) watchFailures.set(key, message)
    // Fails this tick's job (Payload logs it once, the desk lists it) only for what is new.
    if (fresh.length) throw new Error(fresh.map(([, message]) => message).join(' | '))
    return { output: { started: due.length, resumed: waiting.length, failing: failures.size } }
  },
}
