/**
 * The one workaround of the database adapter's transaction internals (docs/platform.md,
 * "Transactions"). Payload 3.90's drizzle adapter reports success when COMMIT fails: its
 * commitTransaction swallows the error of `session.resolve()`, and beginTransaction's `.catch`
 * swallows the transaction promise's rejection as well (payload PRs #17726/#17727 describe both).
 * So a write whose COMMIT failed (a deferred constraint, a serialization failure, Postgres going
 * away at the wrong moment) answered 201/200 and was lost.
 *
 * Fixed once here, for every write (REST, GraphQL, Local API, jobs, our own transactions): the
 * adapter's commitTransaction first sends COMMIT AND CHAIN on the transaction's own connection, so a
 * failed COMMIT throws into the operation, which rolls back and answers an error. AND CHAIN opens an
 * empty transaction at once, which the adapter's own COMMIT then closes (a bare COMMIT would leave
 * it none: "WARNING: there is no transaction in progress").
 *
 * What this relies on (tests/int/commit-failure.int.test.ts fails if an upgrade changes it): the
 * adapter keeps open transactions in `sessions[id]` as `{ db, resolve, reject }`, `db.execute` runs
 * SQL on the transaction's connection, and commitTransaction/rollbackTransaction take the id.
 */
import { type postgresAdapter, sql } from '@payloadcms/db-postgres'

type ID = string | number
export type AdapterSession = {
  db: { execute: (query: ReturnType<typeof sql>) => Promise<{ rows: Record<string, unknown>[] }> }
  resolve: () => Promise<unknown>
  reject: () => Promise<unknown>
}
export type TransactionInternals = {
  sessions: Record<string, AdapterSession>
  drizzle: AdapterSession['db']
  commitTransaction: (id?: ID | Promise<ID>) => Promise<void>
}

/** Wraps a database adapter so that a failed COMMIT throws instead of reporting success. */
export function surfaceCommitFailures(result: ReturnType<typeof postgresAdapter>): ReturnType<typeof postgresAdapter> {
  return {
    ...result,
    init: (args) => {
      const initialized = result.init(args)
      const adapter = initialized as unknown as TransactionInternals
      const commit = adapter.commitTransaction
      adapter.commitTransaction = async function commitTransaction(incoming) {
        const id = incoming instanceof Promise ? await incoming : incoming
        const session = id !== undefined && id !== '' ? adapter.sessions[String(id)] : undefined
        if (session) {
          try {
            await session.db.execute(sql`commit and chain`)
          } catch (err) {
            // Postgres has already rolled the transaction back; end the adapter's session too
            // (its ROLLBACK finds nothing to undo) and let the operation fail with the cause.
            delete adapter.sessions[String(id)]
            await session.reject().catch(() => {})
            throw err
          }
        }
        return commit.call(adapter, incoming)
      }
      return initialized
    },
  }
}
