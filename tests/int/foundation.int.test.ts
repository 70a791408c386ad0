import { beforeAll, describe, expect, it } from 'vitest'
import { graphql, guideData, rest, signIn } from '../helpers/api'

const SEED_SLUG = 'returning-to-running-after-an-injury'

describe('anonymous readers see only published content', () => {
  let draft: { id: number; slug: string }

  beforeAll(async () => {
    const res = await rest('POST', '/api/articles?draft=true', { as: 'editor', body: { ...guideData(), _status: 'draft' } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    draft = res.body.doc
  })

  it('lists the published seed guide over REST, without the draft', async () => {
    const res = await rest('GET', '/api/articles?limit=100&depth=0')
    expect(res.status).toBe(200)
    const slugs = res.body.docs.map((d: { slug: string }) => d.slug)
    expect(slugs).toContain(SEED_SLUG)
    expect(slugs).not.toContain(draft.slug)
  })

  it('refuses the draft by id over REST, even when asking for drafts', async () => {
    for (const path of [`/api/articles/${draft.id}`, `/api/articles/${draft.id}?draft=true`]) {
      const res = await rest('GET', path)
      expect([403, 404], `${path} → ${res.status}`).toContain(res.status)
    }
    const versions = await rest('GET', `/api/articles/versions?where[parent][equals]=${draft.id}`)
    expect(versions.status).toBe(403)
  })

  it('never returns the draft over GraphQL', async () => {
    const list = await graphql('{ Articles(limit: 100, draft: true) { docs { slug _status } } }')
    const slugs = (list.body.data?.Articles?.docs ?? []).map((d: { slug: string }) => d.slug)
    expect(slugs).toContain(SEED_SLUG)
    expect(slugs).not.toContain(draft.slug)
    const one = await graphql(`{ Article(id: ${draft.id}, draft: true) { slug } }`)
    expect(one.body.data?.Article ?? null).toBeNull()
    expect(one.body.errors?.length ?? 0).toBeGreaterThan(0)
  })

  it('refuses users and subscribers over REST and GraphQL', async () => {
    for (const path of ['/api/users', '/api/subscribers']) expect((await rest('GET', path)).status).toBe(403)
    const users = await graphql('{ Users { docs { email } } }')
    expect(users.body.data?.Users ?? null).toBeNull()
    expect(users.body.errors?.[0]?.message).toMatch(/not allowed/i)
    const subs = await graphql('{ Subscribers { docs { email } } }')
    expect(subs.body.data?.Subscribers ?? null).toBeNull()
  })

  it('lets anyone read public reviewer and source data', async () => {
    const reviewers = await rest('GET', '/api/reviewers?where[slug][equals]=raphael-crawford-marks')
    expect(reviewers.body.docs[0]).toMatchObject({ name: 'Raphael Crawford-Marks', role: 'Founder' })
    const sources = await rest('GET', '/api/sources?limit=100')
    expect(sources.body.docs.map((s: { formatted: string }) => s.formatted)).toContain(
      'Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and harder? British Journal of Sports Medicine 50(5):273-280 (2016).',
    )
  })

  it('lets anonymous readers write nothing', async () => {
    expect((await rest('POST', '/api/articles', { body: guideData() })).status).toBe(403)
    expect((await rest('POST', '/api/sources', { body: { title: 'x' } })).status).toBe(403)
    expect((await rest('POST', '/api/reviewers', { body: { name: 'x', role: 'y' } })).status).toBe(403)
    expect((await rest('POST', '/api/subscribers', { body: { email: 'a@example.com' } })).status).toBe(403)
    expect((await rest('POST', '/api/users', { body: { email: 'x@example.com', password: 'password1', name: 'x', role: 'admin' } })).status).toBe(403)
  })
})

describe('the seed guide', () => {
  it('is published with its reviewer, review date, citation and sections', async () => {
    const res = await rest('GET', `/api/articles?where[slug][equals]=${SEED_SLUG}&depth=2`)
    const guide = res.body.docs[0]
    expect(guide).toMatchObject({ title: 'Returning to Running After an Injury', byline: 'Runsense', _status: 'published' })
    expect(guide.reviewer).toMatchObject({ name: 'Raphael Crawford-Marks', role: 'Founder' })
    expect(guide.lastReviewedAt.slice(0, 10)).toBe('2026-06-09')
    const json = JSON.stringify(guide.body)
    expect(json).toContain('"blockType":"citation"')
    expect(json).toContain('"blockType":"needsContent"')
    expect(json).toContain('How to come back — the general playbook')
    expect(guide.disclaimer).toMatch(/general education, not medical advice/)
    expect(JSON.stringify(guide.safety)).toMatch(/Pain that rises during a run/)
  })
})

describe('staff accounts', () => {
  it('stops repeated failed logins from one client (without locking the account: staff-accounts.int.test.ts)', async () => {
    // A throwaway account, so the seeded logins stay usable for other tests.
    const email = `lockout-${Date.now()}@runsense.local`
    const created = await rest('POST', '/api/users', { as: 'admin', body: { email, password: 'right-password-1', name: 'Lockout test', role: 'editor' } })
    expect(created.status).toBe(201)
    const client = '192.0.2.44'
    for (let i = 0; i < 10; i++) expect((await signIn(email, 'wrong', { client })).status).toBe(401)
    const refused = await signIn(email, 'right-password-1', { client })
    expect(refused.status).toBe(429)
    expect(JSON.stringify(refused.body)).toMatch(/too many failed sign-ins/i)
  })

  it('does not let staff promote themselves', async () => {
    const me = await rest('GET', '/api/users/me', { as: 'editor2' })
    const res = await rest('PATCH', `/api/users/${me.body.user.id}`, { as: 'editor2', body: { role: 'admin' } })
    const after = await rest('GET', '/api/users/me', { as: 'editor2' })
    expect(after.body.user.role).toBe('editor')
    expect([200, 403]).toContain(res.status)
  })
})
