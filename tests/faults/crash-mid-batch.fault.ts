/**
 * The CMS is SIGKILLed while it is sending emails, twice: (1) with SMTP frozen, so a batch of
 * sendEmail jobs hangs mid-send and is left `processing` by the dead process; (2) with SMTP
 * working, while a stream of signups is being emailed. After each restart, every signup answered
 * 202 gets its confirmation email: jobs left behind are taken up again once their lease expires
 * (apps/cms/src/jobs/lease.ts), and an email recorded as sent is not sent again
 * (apps/cms/src/jobs/sendEmail.ts). A duplicate is only possible for an email whose worker died
 * between SMTP accepting it and the "sent" record: each one must be counted in
 * email_deliveries.resends_after_crash, and there can be no more than one batch of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultStack, SUBJECT, jobEmailTo, mailCountsTo, signup, signupAll, sleep, until } from './helpers'

const LEASE_SECONDS = 6
const BATCH = 50 // JOBS_BATCH_SIZE's default: the most jobs one worker has in flight

describe('the CMS is SIGKILLed mid-batch', () => {
  let s: FaultStack
  beforeAll(async () => {
    s = await FaultStack.start('crash_mid_batch', { JOBS_LEASE_SECONDS: String(LEASE_SECONDS) })
  })
  afterAll(async () => {
    await s?.stop()
  })

  type Job = { id: number; processing: boolean; total_tried: number; has_error: boolean }
  const jobsTo = (prefix: string) =>
    s.query<Job>(`select id, processing, total_tried::int, has_error from payload_jobs j where task_slug = 'sendEmail' and completed_at is null and ${jobEmailTo('like $1')}`, [
      `${prefix}%`,
    ])
  /** Every row, completed ones included (deleteJobOnComplete: a completed job left behind by the dead worker must be cleaned up too). */
  const anyJobRowsTo = (prefix: string) => s.query(`select id from payload_jobs j where ${jobEmailTo('like $1')}`, [`${prefix}%`])
  const resendsTo = async (prefix: string) =>
    (await s.query<{ n: number }>(`select coalesce(sum(resends_after_crash), 0)::int as n from email_deliveries where recipient like $1`, [`${prefix}%`]))[0].n

  /** Every 202 address got exactly one confirmation, except counted resends; nothing left on the queue. */
  async function expectEachOnce(prefix: string, accepted: string[], timeoutMs: number) {
    const t = Date.now()
    await until(
      `a confirmation email for each of the ${accepted.length} accepted signups`,
      async () => {
        const c = await mailCountsTo(prefix, SUBJECT.confirm)
        return accepted.every((a) => c.has(a)) ? c : null
      },
      { timeoutMs, everyMs: 500 },
    )
    const drainedIn = Date.now() - t
    const left = await until('no email job left for these addresses', async () => (await anyJobRowsTo(prefix)).length === 0, { timeoutMs: 30_000, everyMs: 500 }).catch(async () =>
      s.query(
        `select id, (select string_agg(e->>'to', ', ') from jsonb_array_elements(j.input->'emails') e) as "to", processing, completed_at, total_tried, has_error, wait_until, updated_at, error, (select json_agg(l.error->>'message') from payload_jobs_log l where l._parent_id = j.id) as log
                 from payload_jobs j where task_slug = 'sendEmail' and ${jobEmailTo('like $1')}`,
        [`${prefix}%`],
      ),
    )
    expect(left === true ? [] : left, 'email jobs left on the queue').toEqual([])
    // A late duplicate (a recovered job sending again) would arrive within a lease or two.
    await sleep(LEASE_SECONDS * 1000 + 2000)
    const final = await mailCountsTo(prefix, SUBJECT.confirm)
    const duplicates = [...final.entries()].filter(([, n]) => n > 1).map(([a, n]) => `${a} ×${n}`)
    const extra = [...final.values()].reduce((sum, n) => sum + n - 1, 0)
    const counted = await resendsTo(prefix)
    // How long a send takes from its claim to its "sent" record: the window a crash can fall into.
    const [took] = await s.query<{ p50: number; max: number }>(
      `select percentile_cont(0.5) within group (order by ms)::int as p50, max(ms)::int as max from (
         select extract(epoch from (sent_at - (claimed_until - make_interval(secs => $2)))) * 1000 as ms
         from email_deliveries where recipient like $1 and state = 'sent') t`,
      [`${prefix}%`, LEASE_SECONDS],
    )
    console.log(`a send took ${took.p50} ms (median), ${took.max} ms (max) from its claim to its "sent" record`)
    return { drainedIn, duplicates, extra, counted, missing: accepted.filter((a) => !final.has(a)) }
  }

  it('with SMTP frozen: the jobs the dead process left processing are taken up again, each email sent once', async () => {
    const prefix = `frozen${Date.now().toString(36)}-`
    s.freezeMail()
    const answers = await signupAll(Array.from({ length: 120 }, (_, i) => `${prefix}${i}@example.com`))
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.email)
    expect(accepted.length, 'the CMS and Postgres are fine: every signup is accepted').toBe(120)
    // Each signup commits once: no "WARNING: there is no transaction in progress" from a second COMMIT.
    expect(s.pgLog.filter((l) => /no transaction in progress/.test(l)).length, 'warnings in the PostgreSQL log').toBe(0)

    // The queue runner claims a batch; its sends hang on the frozen SMTP server. Kill it then.
    const claimed = await until(
      'a batch of sendEmail jobs claimed and hanging',
      async () => {
        const n = (await jobsTo(prefix)).filter((j) => j.processing).length
        return n > 0 ? n : null
      },
      { timeoutMs: 15_000, everyMs: 100 },
    )
    await sleep(300)
    await s.killCms()
    const left = (await jobsTo(prefix)).filter((j) => j.processing)
    console.log(`SIGKILL with ${claimed}+ jobs claimed; ${left.length} left processing by the dead process`)
    expect(left.length, 'the crash left jobs processing (the case under test)').toBeGreaterThan(0)

    s.thawMail()
    const restartAt = Date.now()
    await s.startCms()
    const r = await expectEachOnce(prefix, accepted, 90_000)
    console.log(
      `after the restart (${((Date.now() - restartAt) / 1000).toFixed(1)} s): all ${accepted.length} confirmations in ${(r.drainedIn / 1000).toFixed(1)} s; ` +
        `duplicates ${r.extra}, resends counted ${r.counted}`,
    )
    expect(r.missing).toEqual([])
    // Nothing had reached the frozen server: a resend is counted (the send was cut off), yet no copy is doubled.
    expect(r.duplicates, 'no address got two confirmations').toEqual([])
    expect(r.counted, 'the cut-off sends are counted as resends').toBeGreaterThan(0)
    expect(r.counted).toBeLessThanOrEqual(BATCH)
  })

  it('with SMTP working: a kill in the middle of sending loses nothing, and every duplicate is counted', async () => {
    const prefix = `live${Date.now().toString(36)}-`
    const answers: Awaited<ReturnType<typeof signupAll>> = []
    let n = 0
    let stop = false
    const worker = async () => {
      while (!stop) {
        const email = `${prefix}${n++}@example.com`
        answers.push({ email, ...(await signup(email, { timeoutMs: 20_000 })) })
      }
    }
    const workers = Array.from({ length: 10 }, worker)
    // Kill once emails are leaving steadily (watched in Postgres: polling MailDev's whole inbox this
    // often would slow MailDev's answers and so widen the very window being measured).
    const sentSoFar = async () => (await s.query<{ n: number }>(`select count(*)::int as n from email_deliveries where state = 'sent' and recipient like $1`, [`${prefix}%`]))[0].n
    await until('the first confirmations of this round to be sent', async () => ((await sentSoFar()) >= 60 ? true : null), { timeoutMs: 60_000, everyMs: 50 })
    await s.killCms()
    const killedAt = Date.now()
    stop = true
    await Promise.all(workers)
    const left = (await jobsTo(prefix)).filter((j) => j.processing).length
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.email)
    const refused = answers.filter((a) => a.status !== 202)
    console.log(`SIGKILL after ${answers.length} signups (${accepted.length} accepted); ${left} jobs left processing`)
    // Signups cut off by the kill were told the truth: never "failed" without "check your inbox" if it may have been stored.
    for (const a of refused) {
      expect(a.status, a.error ?? a.text).toBe(503)
      expect(typeof a.json?.error).toBe('string')
    }

    await s.startCms()
    const r = await expectEachOnce(prefix, accepted, 90_000)
    console.log(
      `after the restart (${((Date.now() - killedAt) / 1000).toFixed(1)} s from the kill): every one of ${accepted.length} confirmations in ` +
        `${(r.drainedIn / 1000).toFixed(1)} s; duplicates ${r.extra} (${r.duplicates.join(', ') || 'none'}), resends counted ${r.counted}`,
    )
    expect(r.missing).toEqual([])
    // A duplicate can only come from a send cut off by the crash: each is counted, and at most one batch was in flight.
    expect(r.extra, 'every duplicate is counted as a resend after a crash').toBeLessThanOrEqual(r.counted)
    expect(r.counted).toBeLessThanOrEqual(BATCH)
    // A signup cut off by the kill that was in fact stored must not have been told plainly that it failed.
    const stored = new Set((await s.query<{ email: string }>('select email from subscribers where email = any($1)', [refused.map((a) => a.email)])).map((r) => r.email))
    const misled = refused.filter((a) => stored.has(a.email) && !/check your inbox/i.test(a.json?.error ?? ''))
    console.log(`${refused.length} signups were not answered 202; ${stored.size} of them had been stored`)
    expect(
      misled.map((a) => `${a.email}: ${a.json?.error}`),
      'stored, but told it failed without "check your inbox"',
    ).toEqual([])
  })
})
