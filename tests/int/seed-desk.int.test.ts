import { afterAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import { dropDatabase, ensureDatabase } from '../../scripts/lib/embedded-pg.mjs'
import { localPayload } from '../helpers/payload'

// On a database of its own: the demo desk's guides must not show on the desks other tests look at.
describe("npm start's demo desk", () => {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/runsense_demo_desk_${Date.now()}`
  let payload: Payload | undefined

  afterAll(async () => {
    await payload?.destroy()
    await dropDatabase(url.toString())
  })

  it('puts a guide at each stage someone acts on, moved by the demo accounts through the workflow, once', async () => {
    await ensureDatabase(url.toString())
    payload = await localPayload(url.toString())
    const { migrations } = await import('../../apps/cms/src/migrations')
    await payload.db.migrate({ migrations: migrations as never })
    const { seed } = await import('../../apps/cms/src/seed')
    const { reviewerIds } = await seed(payload, { desk: true })

    const guides = async () =>
      (await payload!.find({ collection: 'articles', where: { slug: { like: 'demo-' } }, draft: true, depth: 0, sort: 'slug', overrideAccess: true })).docs.map((g) => ({
        slug: g.slug,
        stage: g.stage,
        reviewer: g.assignedReviewer ?? null,
        live: g._status === 'published',
      }))
    const seeded = await guides()
    expect(seeded).toEqual([
      { slug: 'demo-draft-with-a-section-to-write', stage: 'draft', reviewer: null, live: false },
      { slug: 'demo-in-medical-review', stage: 'medical_review', reviewer: reviewerIds.raphael, live: false },
      { slug: 'demo-waiting-for-editorial-review', stage: 'editorial_review', reviewer: null, live: false },
    ])
    // Through the one workflow entry point: the audit log names who moved each one.
    const events = (await payload.find({ collection: 'workflow-events', where: { articleTitle: { like: 'Demo guide' } }, sort: 'createdAt', depth: 0, overrideAccess: true })).docs
    expect(events.map((e) => [e.articleTitle, e.action, e.actorName])).toEqual([
      ['Demo guide: waiting for editorial review', 'submit', 'Demo Editor'],
      ['Demo guide: in medical review', 'submit', 'Demo Editor'],
      ['Demo guide: in medical review', 'send_to_medical_review', 'Demo Editor Two'],
    ])

    // The demo can be played to the end: Raphael signs the one in medical review off and an editor publishes it.
    const { applyWorkflowAction } = await import('../../apps/cms/src/collections/Articles/workflow')
    const { createLocalReq } = await import('payload')
    const inReview = (await payload.find({ collection: 'articles', where: { slug: { equals: 'demo-in-medical-review' } }, draft: true, depth: 0, overrideAccess: true })).docs[0]
    const act = async (email: string, action: string) => {
      const user = (await payload!.find({ collection: 'users', where: { email: { equals: email } }, depth: 0, overrideAccess: true })).docs[0]
      return applyWorkflowAction(await createLocalReq({ user: { ...user, collection: 'users' } as never }, payload!), inReview.id, user as never, action, {})
    }
    expect(await act('reviewer@runsense.local', 'sign_off')).toMatchObject({ ok: true, stage: 'approved' })
    expect(await act('editor@runsense.local', 'publish')).toMatchObject({ ok: true, stage: 'published' })

    // Idempotent, like the rest of the seed: a restart leaves the desk as the demo left it.
    await seed(payload, { desk: true })
    expect(await guides()).toEqual(seeded.map((g) => (g.slug === 'demo-in-medical-review' ? { ...g, stage: 'published', live: true } : g)))
  })
})
