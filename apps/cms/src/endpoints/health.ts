import type { Endpoint } from 'payload'
import { sql } from '@payloadcms/db-postgres'

/** GET /api/health: 200 when the CMS is initialised and its database answers; 503 otherwise. */
export const health: Endpoint = {
  path: '/health',
  method: 'get',
  handler: async (req) => {
    try {
      await (req.payload.db as unknown as { drizzle: { execute: (q: unknown) => Promise<unknown> } }).drizzle.execute(sql`select 1`)
      return Response.json({ ok: true })
    } catch {
      return Response.json({ ok: false, error: 'The database is not reachable.' }, { status: 503 })
    }
  },
}
