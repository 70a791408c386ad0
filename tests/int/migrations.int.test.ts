import { afterAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import type { Reviewer } from '@runsense/types'
import { dropDatabase, ensureDatabase } from '../../scripts/lib/embedded-pg.mjs'
import { localPayload } from '../helpers/payload'

describe('migrations', () => {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/runsense_migrate_${Date.now()}`
  let payload: Payload | undefined

  afterAll(async () => {
    await payload?.destroy()
    await dropDatabase(url.toString())
  })

  it('apply to an empty database and give a working schema', async () => {
    await ensureDatabase(url.toString())
    payload = await localPayload(url.toString())
    // The same committed migrations the CMS runs on boot (prodMigrations).
    const { migrations } = await import('../../apps/cms/src/migrations')
    await payload.db.migrate({ migrations: migrations as never })
    const { docs } = await payload.find({ collection: 'payload-migrations', limit: 100 })
    expect(docs.map((d) => d.name).sort()).toEqual(migrations.map((m) => m.name).sort())
    const reviewer = await payload.create({ collection: 'reviewers', data: { name: 'Migration Check', role: 'Test' } as Reviewer /* the slug comes from the collection's hook */ })
    expect(reviewer.slug).toBe('migration-check')
  })
})
