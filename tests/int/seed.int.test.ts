import { afterAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import { localPayload } from '../helpers/payload'

describe('seeding', () => {
  let payload: Payload
  afterAll(async () => payload?.destroy())

  it('is idempotent: seeding twice more leaves one guide, one source, the same reviewers and accounts', async () => {
    payload = await localPayload()
    const { seed } = await import('../../apps/cms/src/seed')
    const count = async () => ({
      articles: (await payload.count({ collection: 'articles', where: { slug: { equals: 'returning-to-running-after-an-injury' } } })).totalDocs,
      raphael: (await payload.count({ collection: 'reviewers', where: { slug: { equals: 'raphael-crawford-marks' } } })).totalDocs,
      reviewers: (await payload.count({ collection: 'reviewers' })).totalDocs,
      gabbett: (await payload.count({ collection: 'sources', where: { title: { like: 'training-injury prevention paradox' } } })).totalDocs,
      seededUsers: (await payload.count({ collection: 'users', where: { email: { like: '@runsense.local' } } })).totalDocs,
    })
    const before = await count()
    expect(before).toMatchObject({ articles: 1, raphael: 1, gabbett: 1 })
    await seed(payload)
    await seed(payload)
    expect(await count()).toEqual(before)
  })
})
