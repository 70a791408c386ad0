/**
 * A write whose COMMIT fails must answer an error and store nothing, on every write path
 * (apps/cms/src/lib/adapterTransactions.ts). COMMIT is made to fail for real: a DEFERRABLE
 * INITIALLY DEFERRED constraint trigger on topics raises at commit time for names carrying a
 * marker, so every statement inside the transaction succeeds and only COMMIT is refused.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import type { Topic } from '@runsense/types'
import { rest } from '../helpers/api'
import { localPayload } from '../helpers/payload'
import type { TransactionInternals } from '../../apps/cms/src/lib/adapterTransactions'

const MARK = 'refused-at-commit'
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL })
let payload: Payload

beforeAll(async () => {
  await db.query(`
    create or replace function test_refuse_at_commit() returns trigger language plpgsql as $$
    begin
      if new.name like '%${MARK}%' then
        raise exception 'test: COMMIT refused for %', new.name using errcode = '23514';
      end if;
      return null;
    end $$;
    drop trigger if exists test_refuse_at_commit on topics;
    create constraint trigger test_refuse_at_commit after insert or update on topics
      deferrable initially deferred for each row execute function test_refuse_at_commit();`)
  payload = await localPayload()
})

afterAll(async () => {
  await db.query(`drop trigger if exists test_refuse_at_commit on topics; drop function if exists test_refuse_at_commit()`)
  await db.end()
})

const stored = async (name: string) => (await db.query('select id from topics where name = $1', [name])).rowCount

describe('a COMMIT that fails', () => {
  it('REST create answers a server error and stores nothing', async () => {
    const name = `Topic ${MARK} ${Date.now()}`
    const res = await rest('POST', '/api/topics', { as: 'admin', body: { name } })
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(500)
    expect(await stored(name)).toBe(0)
  })

  it('REST update answers a server error and keeps the stored value', async () => {
    const before = `Topic kept ${Date.now()}`
    const created = await rest('POST', '/api/topics', { as: 'admin', body: { name: before } })
    expect(created.status).toBe(201)
    const id = created.body.doc.id as number

    const res = await rest('PATCH', `/api/topics/${id}`, { as: 'admin', body: { name: `${before} ${MARK}` } })
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(500)
    const row = await db.query('select name from topics where id = $1', [id])
    expect(row.rows[0].name).toBe(before)
  })

  it('the Local API rejects and stores nothing', async () => {
    const name = `Topic ${MARK} local ${Date.now()}`
    const err = await payload.create({ collection: 'topics', data: { name } as Topic /* the slug comes from the collection's hook */ }).then(
      () => null,
      (e: Error & { cause?: Error }) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(`${err?.message} ${err?.cause?.message}`).toMatch(/COMMIT refused/)
    expect(await stored(name)).toBe(0)
  })

  it('a write whose COMMIT succeeds is still answered and stored (the control)', async () => {
    const name = `Topic committed ${Date.now()}`
    const res = await rest('POST', '/api/topics', { as: 'admin', body: { name } })
    expect(res.status).toBe(201)
    expect(await stored(name)).toBe(1)
  })
})

describe('what the workaround relies on in the adapter (fails if an upgrade changes it)', () => {
  it('open transactions sit in sessions[id] as { db.execute, resolve, reject } on their own connection', async () => {
    const adapter = payload.db as unknown as TransactionInternals & { beginTransaction: () => Promise<string | number> }
    const id = await adapter.beginTransaction()
    const session = adapter.sessions[String(id)]
    expect(typeof session?.db?.execute).toBe('function')
    expect(typeof session?.resolve).toBe('function')
    expect(typeof session?.reject).toBe('function')
    const { sql } = await import('@payloadcms/db-postgres')
    // A transaction-local setting is still there for the next statement only inside one transaction.
    await session.db.execute(sql`select set_config('statement_timeout', '4321ms', true)`)
    const inside = await session.db.execute(sql`select current_setting('statement_timeout') as timeout`)
    expect(inside.rows[0].timeout).toBe('4321ms')
    await adapter.commitTransaction(id)
    expect(adapter.sessions[String(id)]).toBeUndefined()
  })
})
