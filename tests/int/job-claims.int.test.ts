/**
 * Job claims with several workers: Payload 3.90 claims jobs by reading candidates and then
 * updating them, so two workers claiming at the same moment took the same jobs and ran them
 * twice. patches/@payloadcms+drizzle+3.90.1.patch locks the candidates (FOR UPDATE SKIP LOCKED)
 * inside the claiming transaction. Here four claims race, exactly as runJobs makes them
 * (payload.db.updateJobs in a transaction of its own), on jobs of a queue nobody runs.
 */
import pg from 'pg'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localPayload } from '../helpers/payload'

const QUEUE = `claim-test-${Date.now().toString(36)}`
const db = new pg.Client({ connectionString: process.env.DATABASE_URL })
let payload: Payload

beforeAll(async () => {
  await db.connect()
  payload = await localPayload()
})
afterAll(async () => {
  await db.query('delete from payload_jobs where queue = $1', [QUEUE])
  await db.end()
})

type Adapter = {
  beginTransaction: () => Promise<string | number>
  commitTransaction: (id: string | number) => Promise<void>
  updateJobs: (args: Record<string, unknown>) => Promise<{ id: number }[] | null>
}

/** One worker's claim, as Payload's runJobs makes it. */
async function claim(limit: number) {
  const adapter = payload.db as unknown as Adapter
  const transactionID = await adapter.beginTransaction()
  const jobs = await adapter.updateJobs({
    data: { processing: true },
    limit,
    req: { transactionID },
    returning: true,
    sort: 'createdAt',
    where: { and: [{ queue: { equals: QUEUE } }, { processing: { equals: false } }, { completedAt: { exists: false } }] },
  })
  await adapter.commitTransaction(transactionID)
  return (jobs ?? []).map((j) => Number(j.id))
}

describe('job claims', () => {
  it('four workers claiming at once never take the same job', async () => {
    for (let round = 0; round < 3; round++) {
      await db.query('delete from payload_jobs where queue = $1', [QUEUE])
      await db.query(
        `insert into payload_jobs (input, task_slug, queue, processing, total_tried) select '{}'::jsonb, 'pruneRateLimits', $1, false, 0 from generate_series(1, 40)`,
        [QUEUE],
      )
      // Racing claims until the queue is empty (a claim that finds its candidates locked by
      // another takes nothing this time and the rest on its next tick, as a worker would).
      const all: number[] = []
      for (let tick = 0; tick < 10 && all.length < 40; tick++) {
        const claims = await Promise.all([claim(20), claim(20), claim(20), claim(20)])
        all.push(...claims.flat())
      }
      // Every job was claimed exactly once.
      expect(all.length - new Set(all).size, `round ${round}: jobs claimed twice`).toBe(0)
      expect(all.length).toBe(40)
      const { rows } = await db.query('select count(*)::int as n from payload_jobs where queue = $1 and processing', [QUEUE])
      expect(rows[0].n).toBe(40)
    }
  })
})
