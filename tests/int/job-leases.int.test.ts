/**
 * Job leases (apps/cms/src/jobs/lease.ts) against the running CMS: a job left `processing` by a
 * worker that no longer exists is handed back and run by this CMS, whatever its kind; a job whose
 * worker died too often is given up, with a sentence saying why, instead of looping forever.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const db = new pg.Client({ connectionString: process.env.DATABASE_URL })
beforeAll(() => db.connect())
afterAll(() => db.end())

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** A job as a dead worker leaves it: claimed (processing) an hour ago and never touched since. */
async function abandonedJob(meta: Record<string, unknown> = {}) {
  // A scheduled publish of a guide that does not exist: running it does nothing but finish.
  const [{ id }] = (
    await db.query(
      `insert into payload_jobs (input, task_slug, queue, processing, total_tried, meta, updated_at, created_at)
       values ($1, 'scheduledPublish', 'default', true, 0, $2, now() - interval '1 hour', now() - interval '1 hour') returning id`,
      [{ article: 987654321, by: 1, at: '2026-01-01T00:00:00.000Z' }, meta],
    )
  ).rows
  return id as number
}

describe('job leases', () => {
  it('a job a dead worker left processing is taken up again and finishes', async () => {
    const id = await abandonedJob()
    // The lease has long passed: the CMS hands it back, runs it, and (deleteJobOnComplete) removes it.
    await until('the abandoned job to be run and removed', async () => (await db.query('select 1 from payload_jobs where id = $1', [id])).rowCount === 0)
  })

  it('a job that keeps losing its worker is given up and says why', async () => {
    const id = await abandonedJob({ leaseExpiries: 4 })
    const job = await until('the job to be given up', async () => {
      const { rows } = await db.query(`select processing, has_error, error->>'message' as message, meta from payload_jobs where id = $1`, [id])
      return rows[0]?.has_error ? rows[0] : null
    })
    expect(job).toMatchObject({ processing: false, has_error: true, meta: { leaseExpiries: 5 } })
    expect(job.message).toMatch(/^Workers running this job stopped 5 times in all .*it will not be tried again\.$/)
    await db.query('delete from payload_jobs where id = $1', [id])
  })

  it('a running job keeps its lease: one claimed just now is left alone', async () => {
    const [{ id }] = (
      await db.query(
        `insert into payload_jobs (input, task_slug, queue, processing, total_tried, updated_at) values ($1, 'scheduledPublish', 'default', true, 0, now()) returning id`,
        [{ article: 987654321, by: 1, at: '2026-01-01T00:00:00.000Z' }],
      )
    ).rows
    // Longer than a recovery tick (a third of the 30 s lease), shorter than the lease.
    await new Promise((r) => setTimeout(r, 12_000))
    const { rows } = await db.query('select processing, meta from payload_jobs where id = $1', [id])
    expect(rows[0]).toEqual({ processing: true, meta: null })
    await db.query('delete from payload_jobs where id = $1', [id])
  })
})
