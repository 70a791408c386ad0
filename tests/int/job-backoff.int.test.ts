/**
 * An email job retried through a long SMTP outage waits at most 15 minutes between tries (2 s,
 * doubling, up to 15 minutes: jobs/backoff.ts), so it leaves soon after SMTP is back; a scheduled
 * publish retried through database trouble waits at most 5 minutes. Payload's own exponential
 * backoff has no ceiling: after 12 failures it would wait over two hours. This also pins the
 * Payload behaviour the ceiling relies on (onFail setting the job's waitUntil).
 */
import { describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { eventually } from '../helpers/poll'

/**
 * A job of `task` on `queue` that has failed `tried` times already and fails again with `input`.
 * It waits until its earlier tries are all written: a runner taking it up half way would count fewer.
 */
async function failingJob(task: string, queue: string, input: unknown, tried: number) {
  const [job] = await sql<{ id: number }>(
    `insert into payload_jobs (input, task_slug, queue, total_tried, processing, wait_until) values ($1, $2, $3, $4, false, now() + interval '1 hour') returning id`,
    [input, task, queue, tried],
  )
  for (let i = 0; i < tried; i++) {
    await sql(
      `insert into payload_jobs_log (_order, _parent_id, id, executed_at, completed_at, task_slug, task_i_d, state, error)
       values ($1, $2, $3, now() - interval '1 hour', now() - interval '1 hour', $4, '1', 'failed', $5)`,
      [i + 1, job.id, `backoff-${job.id}-${i}`, task, { message: 'earlier try' }],
    )
  }
  await sql(`update payload_jobs set wait_until = null where id = $1`, [job.id])
  return job.id
}

/** An email with no recipient: every try fails. */
const failingEmailJob = (tried: number) => failingJob('sendEmail', 'email', { emails: [{ to: '', subject: `Backoff ${Date.now()}`, text: 'Never sent.', kind: 'test' }] }, tried)

/** A guide id PostgreSQL refuses (out of the integer range): every read of it fails, as in an outage. */
const failingPublishJob = (tried: number) => failingJob('scheduledPublish', 'default', { article: 99_999_999_999, by: 1, at: new Date().toISOString() }, tried)

/** The wait the job was given after its next failure: from that failure to its waitUntil, in seconds. */
async function waitAfterNextFailure(id: number, tried: number) {
  const row = await eventually(
    async () =>
      (
        await sql<{ total_tried: number; has_error: boolean; wait_s: number }>(
          `select total_tried::int, coalesce(has_error, false) as has_error,
                  extract(epoch from (j.wait_until - (select max(completed_at) from payload_jobs_log l where l._parent_id = j.id)))::float as wait_s
             from payload_jobs j where id = $1`,
          [id],
        )
      )[0],
    (r) => r.total_tried > tried,
    20_000,
  )
  expect(row.total_tried).toBe(tried + 1)
  expect(row.has_error).toBe(false)
  return row.wait_s
}

describe('retries back off under a ceiling', () => {
  it('doubles from 2 s (16 s after 3 failures)', async () => {
    const wait = await waitAfterNextFailure(await failingEmailJob(3), 3)
    expect(wait).toBeGreaterThan(14)
    expect(wait).toBeLessThan(18)
  })

  it('never waits more than 15 minutes (after 12 failures, not the two hours of plain doubling)', async () => {
    const wait = await waitAfterNextFailure(await failingEmailJob(12), 12)
    expect(wait).toBeGreaterThan(15 * 60 - 5)
    expect(wait).toBeLessThan(15 * 60 + 5)
  })

  it('never waits more than 5 minutes to retry a scheduled publish (after 8 failures, not the 21 minutes of plain doubling)', async () => {
    const wait = await waitAfterNextFailure(await failingPublishJob(8), 8)
    expect(wait).toBeGreaterThan(5 * 60 - 5)
    expect(wait).toBeLessThan(5 * 60 + 5)
  })

  it('gives an email up after its 151st try (the first and 150 retries), as the desk says ("tried N of 151 times")', async () => {
    const id = await failingEmailJob(149)
    await waitAfterNextFailure(id, 149) // the 150th try: still retried
    await sql(`update payload_jobs set wait_until = null where id = $1`, [id])
    const row = await eventually(
      async () =>
        (await sql<{ total_tried: number; has_error: boolean }>(`select total_tried::int, coalesce(has_error, false) as has_error from payload_jobs where id = $1`, [id]))[0],
      (r) => r.total_tried > 150,
      20_000,
    )
    expect(row).toEqual({ total_tried: 151, has_error: true })
  })
})
