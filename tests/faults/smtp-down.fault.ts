/**
 * The SMTP server (MailDev) is down while emails are queued: signups (confirmation emails),
 * confirmations (welcome emails) and a workflow notification (a guide sent for medical review).
 * Requests and actions still succeed; once MailDev is back on the same ports the jobs queue's
 * retries deliver every email, each exactly once. Then SMTP hangs (MailDev frozen: connections
 * are accepted, nothing answers) for 60 s: no send waits longer than the SMTP timeouts, so the
 * queue keeps moving, and the backlog drains once it answers again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultStack, SUBJECT, allMail, cmsUrl, jobEmailTo, linkIn, mailCountsTo, request, signup, signupAll, siteUrl, sleep, until } from './helpers'

// The CMS's defaults (apps/cms/src/jobs/settings.ts), which this test runs with.
// A send on a new connection waits at most the greeting timeout; on a pooled connection that was
// already open when the server hung, at most the socket timeout (lib/smtp.ts).
const SOCKET_TIMEOUT_MS = 15000
const BATCH = 50
const HUNG_MS = 60_000

// The shared API helpers (logins, guides, workflow actions) read where the CMS is from env.
process.env.CMS_URL = cmsUrl
process.env.SITE_URL = siteUrl
const api = await import('../helpers/api')

describe('SMTP down while emails are queued', () => {
  let s: FaultStack
  beforeAll(async () => {
    s = await FaultStack.start('smtp_down')
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('delivers every queued email exactly once after MailDev comes back', async () => {
    const tag = `smtp${Date.now().toString(36)}`
    // Readers who signed up while mail worked: they hold confirmation links.
    const early = Array.from({ length: 3 }, (_, i) => `${tag}-early-${i}@example.com`)
    for (const email of early) expect((await signup(email)).status).toBe(202)
    const confirmLinks = await until(
      'the early readers’ confirmation emails',
      async () => {
        const mail = (await allMail()).filter((m) => m.subject === SUBJECT.confirm)
        const links = early.map((a) => mail.find((m) => m.to[0]?.address === a))
        return links.every(Boolean) ? links.map((m) => linkIn(m!, '/newsletter/confirm?token=')) : null
      },
      { timeoutMs: 30_000 },
    )

    await s.stopMail()
    const downAt = Date.now()

    // While SMTP is down: the early readers confirm (welcome emails) and new readers sign up
    // (confirmation emails). Readers see success; the emails wait on the queue.
    for (const link of confirmLinks) {
      // The confirm button's POST (the emailed GET only shows the button).
      const page = await request(link, { method: 'POST', redirect: 'follow', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
      expect(page.status).toBe(200)
      expect(page.text).toContain('re subscribed')
    }
    const late = Array.from({ length: 5 }, (_, i) => `${tag}-late-${i}@example.com`)
    for (const email of late) expect((await signup(email)).status).toBe(202)
    // A workflow action that notifies: sending a guide for medical review emails its reviewer.
    const title = `SMTP down ${tag}`
    const guide = await api.createGuide('editor', { title })
    const { raphael } = await api.reviewerIds()
    expect((await api.act(guide.id, 'editor', 'submit')).status).toBe(200)
    const sent = await api.act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const expected = [
      ...early.map((to) => ({ to, subject: SUBJECT.welcome })),
      ...late.map((to) => ({ to, subject: SUBJECT.confirm })),
      { to: api.accounts.reviewer, subject: `Please review: ${title}` },
    ]

    // Every one of those emails was tried and failed while SMTP was down, and none completed
    // (jobs are deleted once sent): so none was delivered before MailDev restarts and forgets.
    type Job = { to: string; subject: string; total_tried: number; has_error: boolean }
    const pendingJobs = async () =>
      s.query<Job>(
        `select e->>'to' as "to", e->>'subject' as subject, total_tried::int, has_error
           from payload_jobs j, jsonb_array_elements(j.input->'emails') as e
          where task_slug = 'sendEmail' and completed_at is null and (e->>'to' like $1 or e->>'subject' like $2)`,
        [`${tag}-%`, `%${tag}`],
      )
    const tried = await until(
      'a failed delivery attempt for every email queued while SMTP was down',
      async () => {
        const jobs = await pendingJobs()
        return expected.every((e) => jobs.some((j) => j.to === e.to && j.subject === e.subject && j.total_tried >= 1)) ? jobs : null
      },
      { timeoutMs: 20_000, everyMs: 500 },
    )
    await sleep(Math.max(0, 5_000 - (Date.now() - downAt)))
    const beforeRestart = await pendingJobs()
    expect(beforeRestart.map((j) => `${j.to} / ${j.subject}`).sort(), 'all still waiting just before the restart').toEqual(expected.map((e) => `${e.to} / ${e.subject}`).sort())
    console.log(`SMTP down ${((Date.now() - downAt) / 1000).toFixed(1)} s; attempts so far: ${tried.map((j) => j.total_tried).join(', ')}`)

    await s.startMail()
    const upAt = Date.now()
    // MailDev forgets on restart: only what arrives from now on is counted (and nothing could
    // have arrived before, as shown above).
    const ours = async () => (await allMail()).filter((m) => m.subject.endsWith(tag) || m.to.some((t) => t.address.startsWith(`${tag}-`)))

    const key = (m: { to: string; subject: string }) => `${m.to} / ${m.subject}`
    await until(
      'every email queued while SMTP was down to arrive',
      async () => {
        const got = new Set((await ours()).map((m) => key({ to: m.to[0].address, subject: m.subject })))
        return expected.every((e) => got.has(key(e)))
      },
      { timeoutMs: 90_000, everyMs: 500 },
    )
    console.log(`all ${expected.length} emails arrived ${((Date.now() - upAt) / 1000).toFixed(1)} s after MailDev came back`)
    // A late duplicate (a retry of an email that was in fact sent) would show up within seconds.
    await sleep(4_000)
    const counts: Record<string, number> = {}
    for (const m of await ours()) {
      for (const t of m.to) {
        const k = key({ to: t.address, subject: m.subject })
        counts[k] = (counts[k] ?? 0) + 1
      }
    }
    expect(counts).toEqual(Object.fromEntries(expected.map((e) => [key(e), 1])))
    expect(await pendingJobs(), 'no email left on the queue').toEqual([])
  })

  it('SMTP hung for 60 s: no send waits longer than the SMTP timeouts, batches keep coming, the backlog drains after', async () => {
    const prefix = `hung${Date.now().toString(36)}-`
    const emails = Array.from({ length: 3 * BATCH }, (_, i) => `${prefix}${i}@example.com`)
    const toSchedule = await api.guideAt('approved', { title: `Scheduled while SMTP hung ${prefix}` })
    s.freezeMail()
    const frozenAt = Date.now()
    const answers = await signupAll(emails)
    expect(
      answers.filter((a) => a.status !== 202).map((a) => `${a.email}: ${a.status} ${a.error ?? ''}`),
      'signups do not wait on SMTP',
    ).toEqual([])

    // While a run of email jobs waits on the hung server, a guide scheduled for 2 s from now is
    // published on time: emails have a queue of their own (jobs/sendEmail.ts), so their run does not
    // hold up the default queue's.
    // Up to 30 s: a job waits out the greeting timeout (5 s), then retries with growing backoff, and
    // for 5 s after each such failure the others fail at once (sendEmail.ts): on a slow machine the
    // signups above can take long enough that the next waiting attempt is more than 10 s away.
    await until(
      'a run of email jobs waiting on the hung server',
      async () => (await s.query(`select 1 from payload_jobs j where processing and ${jobEmailTo('like $1')}`, [`${prefix}%`])).length > 0,
      { timeoutMs: 30_000, everyMs: 100 },
    )
    const at = Date.now() + 2000
    const scheduled = await api.act(toSchedule.id, 'editor', 'schedule_publish', { at: new Date(at).toISOString() })
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200)
    await until('the scheduled guide to be published', async () => (await api.workflowOf(toSchedule.id)).body.stage === 'published', { timeoutMs: 20_000, everyMs: 100 })
    const late = Date.now() - at
    console.log(`scheduled publish while SMTP hung: published ${late} ms after its time`)
    expect(late, 'ms after its time').toBeLessThanOrEqual(3000)
    await sleep(Math.max(0, HUNG_MS - (Date.now() - frozenAt)))

    type Attempt = { job: number; ms: number; state: string; at: Date; done: Date; created: Date }
    const attempts = await s.query<Attempt>(
      `select l._parent_id as job, extract(epoch from (l.completed_at - l.executed_at)) * 1000 as ms, l.state::text as state, l.executed_at as at, l.completed_at as done,
              j.created_at as created
         from payload_jobs_log l join payload_jobs j on j.id = l._parent_id where ${jobEmailTo('like $1')}`,
      [`${prefix}%`],
    )
    const longest = Math.max(...attempts.map((a) => Number(a.ms)))
    const triedJobs = new Set(attempts.map((a) => a.job)).size
    // A batch's sends start together: a gap of over a second between starts begins the next batch.
    // A batch lasts from its first start to its last end.
    const byStart = attempts.map((a) => ({ at: new Date(a.at).getTime(), done: new Date(a.done).getTime() })).sort((x, y) => x.at - y.at)
    const batches: { at: number; done: number; n: number }[] = []
    for (const a of byStart) {
      const last = batches[batches.length - 1]
      if (last && a.at - last.at <= 1000) {
        last.done = Math.max(last.done, a.done)
        last.n++
      } else batches.push({ ...a, n: 1 })
    }
    const longestBatch = Math.max(...batches.map((b) => b.done - b.at))
    console.log(
      `SMTP hung ${((Date.now() - frozenAt) / 1000).toFixed(1)} s: ${batches.length} batches (${batches.map((b) => b.n).join(', ')} sends), ` +
        `${triedJobs} jobs for ${emails.length} emails tried; longest attempt ${(longest / 1000).toFixed(1)} s, longest batch ${(longestBatch / 1000).toFixed(1)} s ` +
        `(socket timeout ${SOCKET_TIMEOUT_MS / 1000} s)`,
    )
    expect(
      attempts.every((a) => a.state === 'failed'),
      'nothing could be sent',
    ).toBe(true)
    // A batch lasts as long as its slowest send: the first sends are cut at the timeout, and the
    // emails behind them fail at once until SMTP answers again (jobs/sendEmail.ts); so the queue
    // keeps moving (before the timeouts, one batch of 49 took 35 s: two batches a minute).
    expect(longestBatch, 'the longest batch').toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + 2500)
    expect(batches.length, 'batches one after another while SMTP hung').toBeGreaterThanOrEqual(3)
    // Every email job waiting when a run starts is tried in that run (up to a runner's batch of 50),
    // not one after another. Signups arrive in several calls, so some jobs are queued after the
    // first run started: those wait for the next run (a run lasts as long as its slowest send, and
    // the queue starts no run while one is going). So the first run holds every job queued a
    // moment (500 ms) before it began.
    const firstAt = byStart[0].at
    const waitingAtFirst = new Set(attempts.filter((a) => new Date(a.created).getTime() < firstAt - 500).map((a) => a.job)).size
    expect(batches[0].n, `the first run tries every job that was waiting (${waitingAtFirst}) at once`).toBeGreaterThanOrEqual(Math.min(waitingAtFirst, BATCH))
    // And the queue keeps moving: every job queued was tried, and tried again, while SMTP hung.
    const tries = new Map<number, number>()
    for (const a of attempts) tries.set(a.job, (tries.get(a.job) ?? 0) + 1)
    const queued = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs j where task_slug = 'sendEmail' and ${jobEmailTo('like $1')}`, [`${prefix}%`])
    expect(triedJobs, 'every job was tried').toBe(queued[0].n)
    expect(Math.min(...tries.values()), 'the fewest tries of one job while SMTP hung').toBeGreaterThanOrEqual(2)

    s.thawMail()
    const thawedAt = Date.now()
    const counts = await until(
      'every email queued while SMTP hung to arrive',
      async () => {
        const c = await mailCountsTo(prefix, SUBJECT.confirm)
        return emails.every((e) => c.has(e)) ? c : null
      },
      // The last failures were ~60 s in, so their exponential backoff (2 s doubling) waits up to ~64 s.
      { timeoutMs: 120_000, everyMs: 500 },
    )
    console.log(`backlog of ${emails.length} drained ${((Date.now() - thawedAt) / 1000).toFixed(1)} s after SMTP answered again`)
    await sleep(3000)
    const final = await mailCountsTo(prefix, SUBJECT.confirm)
    expect(
      [...final.entries()].filter(([, n]) => n > 1),
      'each exactly once',
    ).toEqual([])
    expect(final.size).toBe(counts.size)
  })
})
