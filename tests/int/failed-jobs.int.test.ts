/**
 * A job that failed for good (its retries used up, as after a day and a half of SMTP outage) can be
 * retried by an admin once the cause is fixed: its work is finished, no email is sent twice, and
 * nobody else may do it.
 */
import { describe, expect, it } from 'vitest'
import { rest } from '../helpers/api'
import { sql } from '../helpers/db'
import { header, mailTo, waitForMail } from '../helpers/mail'

/** A dead email job as its last retry leaves it, carrying one email per address. */
async function deadEmailJob(addresses: string[]) {
  const [job] = await sql<{ id: number; created_at: Date }>(
    `insert into payload_jobs (input, task_slug, queue, has_error, error, total_tried, processing)
     values ($1, 'sendEmail', 'email', true, $2, 16, false) returning id, created_at`,
    [{ emails: addresses.map((to) => ({ to, subject: `Retried email to ${to}`, text: 'Sent after an outage.', kind: 'test' })) }, { message: 'connect ECONNREFUSED 127.0.0.1:25' }],
  )
  const key = (i: number) => `job:${job.id}:${new Date(job.created_at).getTime()}${i ? `:${i}` : ''}`
  return { id: job.id, key }
}

const jobRow = async (id: number) => (await sql('select has_error, error from payload_jobs where id = $1', [id]))[0]

describe('retrying a job that failed for good', () => {
  it('sends only the emails that had not left, once; only admins may; a retried job cannot be retried again', async () => {
    const stamp = Date.now().toString(36)
    const [left, waiting, cut] = [`left-${stamp}@example.com`, `waiting-${stamp}@example.com`, `cut-${stamp}@example.com`]
    const job = await deadEmailJob([left, waiting, cut])
    // The first email left before the outage: its delivery record says so.
    await sql(`insert into email_deliveries (key, job_id, kind, recipient, state, sent_at) values ($1, $2, 'test', $3, 'sent', now())`, [job.key(0), job.id, left])
    // The third was being handed to SMTP when its worker died: it may have left, or not.
    await sql(`insert into email_deliveries (key, job_id, kind, recipient, state, claimed_until) values ($1, $2, 'test', $3, 'sending', now() - interval '1 minute')`, [
      job.key(2),
      job.id,
      cut,
    ])

    for (const who of ['anonymous', 'editor', 'reviewer'] as const) {
      const refused = await rest('POST', `/api/failed-jobs/${job.id}/retry`, { as: who })
      expect(refused.status, who).toBe(403)
    }
    expect((await jobRow(job.id)).error).toEqual({ message: 'connect ECONNREFUSED 127.0.0.1:25' })

    const retried = await rest('POST', `/api/failed-jobs/${job.id}/retry`, { as: 'admin' })
    expect(retried.status, JSON.stringify(retried.body)).toBe(202)
    const next = retried.body.job as number
    expect(next).toBeGreaterThan(job.id)

    await waitForMail(waiting, (m) => m.subject === `Retried email to ${waiting}`)
    expect((await jobRow(job.id)).error).toMatchObject({ retriedAs: next, retriedBy: expect.any(String) })
    expect((await rest('POST', `/api/failed-jobs/${job.id}/retry`, { as: 'admin' })).status).toBe(404)
    expect((await rest('POST', `/api/failed-jobs/${next}/retry`, { as: 'admin' })).status).toBe(404) // not failed
    // Give a duplicate the time to arrive if one were coming: none may.
    await new Promise((r) => setTimeout(r, 2000))
    expect((await mailTo(waiting)).filter((m) => m.subject === `Retried email to ${waiting}`)).toHaveLength(1)
    expect(await mailTo(left)).toEqual([])
    // The one cut off is sent again under its own record and Message-ID, and counted as a possible duplicate.
    const [again] = await waitForMail(cut, (m) => m.subject === `Retried email to ${cut}`)
    expect(await header(again, 'Message-ID')).toBe(`<${job.key(2).replace(/:/g, '.')}@runsense.local>`)
    expect(await sql('select state, resends_after_crash from email_deliveries where key = $1', [job.key(2)])).toEqual([{ state: 'sent', resends_after_crash: 1 }])
    // Every email of the retry was recorded under the failed job's keys, none under new ones.
    expect(await sql(`select key from email_deliveries where key like $1`, [`job:${next}:%`])).toEqual([])
    expect(await sql('select key from email_deliveries where job_id = $1', [next])).toEqual([{ key: job.key(1) }])

    const log = await rest('GET', `/api/audit-log?where[entity][equals]=payload-jobs&where[entityId][equals]=${job.id}`, { as: 'admin' })
    expect(log.body.docs[0]).toMatchObject({ action: 'update', summary: `Failed job ${job.id} (sendEmail) retried as job ${next}` })
  })

  it('closes a failed job whose emails had all left without sending any again', async () => {
    const address = `all-left-${Date.now().toString(36)}@example.com`
    const job = await deadEmailJob([address])
    await sql(`insert into email_deliveries (key, job_id, kind, recipient, state, sent_at) values ($1, $2, 'test', $3, 'sent', now())`, [job.key(0), job.id, address])
    const res = await rest('POST', `/api/failed-jobs/${job.id}/retry`, { as: 'admin' })
    expect(res.status).toBe(200)
    expect(res.body.job).toBeNull()
    expect((await jobRow(job.id)).error).toMatchObject({ retriedAs: null })
    await new Promise((r) => setTimeout(r, 2000))
    expect(await mailTo(address)).toEqual([])
  })
})
