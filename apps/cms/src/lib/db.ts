import type { AfterErrorHook, Payload, PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { commitTransaction, initTransaction, killTransaction } from 'payload'

import type { TransactionInternals as Adapter } from './adapterTransactions'

type SQL = ReturnType<typeof sql>

const adapterOf = (req: PayloadRequest) => req.payload.db as unknown as Adapter

/** Runs raw SQL on its own (autocommit), never inside a request's transaction: for records that must stick whatever the caller's transaction does. */
export async function executeNow(payload: Payload, query: SQL) {
  return (await (payload.db as unknown as Adapter).drizzle.execute(query)).rows
}

/** Runs raw SQL in the request's transaction when there is one (so locks and reads share it). */
export async function execute(req: PayloadRequest, query: SQL) {
  const adapter = adapterOf(req)
  const id = req.transactionID instanceof Promise ? await req.transactionID : req.transactionID
  const db = (id && adapter.sessions[id]?.db) || adapter.drizzle
  return (await db.execute(query)).rows
}

/**
 * Locks a guide's row until the transaction ends. Every workflow action and every edit takes
 * this lock first, so they happen one after another per guide, never interleaved.
 * Returns the live (main-table) publication status, or null when the guide does not exist.
 * `lock: false` only reads (for showing the state: an autosave must not queue behind a reader).
 */
export async function lockArticle(req: PayloadRequest, id: number | string, { lock = true } = {}): Promise<{ liveStatus: string | null; slug: string | null } | null> {
  const rows = await execute(req, sql`select "_status" as status, slug from articles where id = ${Number(id)} ${lock ? sql`for update` : sql``}`)
  if (!rows.length) return null
  return { liveStatus: (rows[0].status as string) ?? null, slug: (rows[0].slug as string) ?? null }
}

/**
 * Runs fn once the request's transaction has committed (Payload has no after-commit hook:
 * afterChange and afterOperation run before the commit, docs/platform.md). Without a transaction,
 * runs it now. Errors are logged, never thrown into the request.
 */
export async function afterCommit(req: PayloadRequest, fn: () => Promise<unknown>) {
  const run = () => fn().catch((err) => req.payload.logger.error({ err, msg: 'after-commit task failed' }))
  const id = req.transactionID instanceof Promise ? await req.transactionID : req.transactionID
  const session = id ? adapterOf(req).sessions[id] : undefined
  if (!session) {
    void run()
    return
  }
  const resolve = session.resolve
  session.resolve = () => {
    const done = resolve()
    void Promise.resolve(done).then(run)
    return done
  }
}

/** Runs fn in a transaction of its own on req, committing on success and rolling back on error. */
export async function inTransaction<T>(req: PayloadRequest, fn: () => Promise<T>): Promise<T> {
  const owns = await initTransaction(req)
  try {
    const result = await fn()
    // A failed COMMIT throws here (the adapter is wrapped: lib/adapterTransactions.ts).
    if (owns) await commitTransaction(req)
    return result
  } catch (err) {
    if (owns) await killTransaction(req)
    throw err
  }
}

/**
 * Failures that mean "the database cannot be reached right now" (down, restarting, every pooled
 * connection busy past DATABASE_POOL_WAIT_MS), not "this request is wrong": anywhere in the
 * error's chain of causes (Drizzle wraps the driver's error; GraphQL wraps it as `originalError`).
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006'])
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (UNAVAILABLE_CODES.has(String(code)) || UNAVAILABLE_MESSAGES.test(String(message ?? ''))) return true
    const wrapped = e as { cause?: unknown; originalError?: unknown }
    e = wrapped.cause ?? wrapped.originalError
  }
  return false
}

const UNAVAILABLE = 'The database is unavailable for a moment. Please try again shortly.'

/**
 * Payload answers any failure with "Something went wrong." (REST: a 500); one of the database's
 * own (above) is said in a sentence instead, as our endpoints say it: the request was fine and
 * may be tried again shortly. REST: a 503 with Retry-After. GraphQL (whose answer stays a 200, as
 * GraphQL answers are): the error's message, with statusCode 503 in its extensions.
 */
export const databaseUnavailableAs503: AfterErrorHook = ({ error, graphqlResult, req }) => {
  if (!isDatabaseUnavailable(error)) return
  if (graphqlResult) return { graphqlResult: { ...graphqlResult, message: UNAVAILABLE, extensions: { ...graphqlResult.extensions, statusCode: 503 } } }
  req.responseHeaders ??= new Headers()
  req.responseHeaders.set('Retry-After', '5')
  return { status: 503, response: { errors: [{ message: UNAVAILABLE }] } }
}
