/**
 * The CMS's Local API in a test process, on the database in DATABASE_URL (or another one).
 * Import lazily: the Payload config reads its env when it is first imported.
 */
import type { Payload } from 'payload'

export async function localPayload(databaseUrl = process.env.DATABASE_URL): Promise<Payload> {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set; run the int tests through `npm test`.')
  process.env.DATABASE_URL = databaseUrl
  const { getPayload } = await import('payload')
  const { default: config } = await import('../../apps/cms/src/payload.config')
  return getPayload({ config })
}
