import { describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { act, createGuide, graphql, guideAt, lexical, loginAs, rest, reviewerIds, workflowOf } from '../helpers/api'

const publicGuide = async (id: number) => (await rest('GET', `/api/articles?where[id][equals]=${id}&depth=1`)).body.docs[0]

describe('the review cycle through the API', () => {
  it('goes draft → editorial review → medical review → approved → published, with the public review fields from the sign-off', async () => {
    const guide = await createGuide('editor')
    const { raphael } = await reviewerIds()
    expect((await act(guide.id, 'editor', 'submit')).body.stage).toBe('editorial_review')

    const own = await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })
    expect(own.status).toBe(403)
    expect(own.body.error).toMatch(/Four eyes/)

    const sent = await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
    expect(sent.body.stage, JSON.stringify(sent.body)).toBe('medical_review')
    for (const who of ['reviewer2', 'admin', 'editor'] as const) {
      const refused = await act(guide.id, who, 'sign_off')
      expect(refused.status, who).toBe(403)
      expect(refused.body.error).toMatch(/assigned medical reviewer/)
    }
    expect(await publicGuide(guide.id)).toBeUndefined()

    const signed = await act(guide.id, 'reviewer', 'sign_off')
    expect(signed.status).toBe(200)
    expect(signed.body.stage).toBe('approved')
    expect((await act(guide.id, 'reviewer', 'publish')).status).toBe(403)

    const published = await act(guide.id, 'editor', 'publish')
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    expect(published.body.stage).toBe('published')

    const live = await publicGuide(guide.id)
    expect(live.reviewer.name).toBe('Raphael Crawford-Marks')
    const wf = (await workflowOf(guide.id)).body
    expect(wf.signOff).toMatchObject({ matches: true, reviewer: { name: 'Raphael Crawford-Marks' }, by: { name: 'Raphael Crawford-Marks' } })
    expect(live.lastReviewedAt).toBe(wf.signOff.at)
    const due = new Date(wf.signOff.at)
    due.setUTCMonth(due.getUTCMonth() + 12)
    expect(live.nextReviewDue).toBe(due.toISOString())
    expect(wf.history.map((h: { action: string }) => h.action)).toEqual(['submit', 'send_to_medical_review', 'sign_off', 'publish'])
    expect(wf.history.every((h: { contentHash: string }) => /^[0-9a-f]{64}$/.test(h.contentHash))).toBe(true)
  })

  it('asks for a note when requesting changes, and records it', async () => {
    const guide = await guideAt('medical_review')
    expect((await act(guide.id, 'reviewer', 'request_changes')).status).toBe(400)
    expect((await act(guide.id, 'reviewer2', 'request_changes', { note: 'x' })).status).toBe(403)
    const res = await act(guide.id, 'reviewer', 'request_changes', { note: 'Cite the source for the second claim.' })
    expect(res.body.stage).toBe('changes_requested')
    const wf = (await workflowOf(guide.id)).body
    expect(wf.history.at(-1)).toMatchObject({ action: 'request_changes', note: 'Cite the source for the second claim.', actor: { name: 'Raphael Crawford-Marks' } })
    expect((await act(guide.id, 'editor', 'submit')).body.stage).toBe('editorial_review')
  })

  it('answers 401, 404, 409 and 400 plainly', async () => {
    const guide = await createGuide('editor')
    expect((await act(guide.id, 'anonymous', 'submit')).status).toBe(401)
    expect((await workflowOf(guide.id, 'anonymous')).status).toBe(401)
    expect((await act(99999999, 'editor', 'submit')).status).toBe(404)
    const early = await act(guide.id, 'editor', 'publish')
    expect(early.status).toBe(409)
    expect(early.body.error).toMatch(/draft/)
    expect((await act(guide.id, 'editor', 'fly')).status).toBe(400)
    const bad = await fetch(`${process.env.CMS_URL}/api/articles/${guide.id}/workflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${await loginAs('editor')}` },
      body: '{not json',
    })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error).toMatch(/Send JSON/)
  })

  it('refuses to publish with 422 and lists what is missing', async () => {
    const guide = await guideAt('approved', { safety: null, body: lexical('Claim.', [99999999]) })
    const res = await act(guide.id, 'editor', 'publish')
    expect(res.status).toBe(422)
    expect(res.body.missing.join('\n')).toMatch(/Safety section/)
    expect(res.body.missing.join('\n')).toMatch(/citation must point to a source/)
    expect(await publicGuide(guide.id)).toBeUndefined()
  })
})

describe('the sign-off covers exactly the published text', () => {
  it('voids the sign-off when the reviewed text changes, and the publish is refused', async () => {
    const guide = await guideAt('approved')
    const edit = await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'A changed summary.' } })
    expect(edit.status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('draft')
    expect(wf.signOff.matches).toBe(false)
    expect(wf.history.at(-1).action).toBe('sign_off_voided')
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(409)
  })

  it('sets the next review date from the signed review interval', async () => {
    const guide = await guideAt('approved', { reviewIntervalMonths: 6 })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.signOff.matches).toBe(true)
    expect((await act(guide.id, 'admin', 'publish')).status).toBe(200)
    const due = new Date(wf.signOff.at)
    due.setUTCMonth(due.getUTCMonth() + 6)
    expect((await publicGuide(guide.id)).nextReviewDue).toBe(due.toISOString())
  })

  it('keeps the live version live and unchanged while an edit awaits review', async () => {
    const guide = await guideAt('published')
    const before = await publicGuide(guide.id)
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { title: 'An unreviewed new title' } })
    const after = await publicGuide(guide.id)
    expect(after.title).toBe(before.title)
    expect(after._status).toBe('published')
    const wf = (await workflowOf(guide.id)).body
    expect(wf).toMatchObject({ stage: 'draft', live: true })
    // A second full cycle publishes the new text.
    const { raphael } = await reviewerIds()
    await act(guide.id, 'editor', 'submit')
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })).status).toBe(403) // editor2 wrote it last
    expect((await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
    await act(guide.id, 'reviewer', 'sign_off')
    expect((await act(guide.id, 'editor', 'publish', { note: 'A new title.' })).status).toBe(200)
    expect((await publicGuide(guide.id)).title).toBe('An unreviewed new title')
  })

  it('cannot be bypassed by a plain update over REST or GraphQL', async () => {
    const guide = await guideAt('medical_review')
    const published = await rest('PATCH', `/api/articles/${guide.id}`, { as: 'admin', body: { _status: 'published' } })
    expect(published.status).toBe(403)
    expect(JSON.stringify(published.body)).toMatch(/review workflow/)
    const sneaky = await rest('PATCH', `/api/articles/${guide.id}`, {
      as: 'admin',
      body: {
        stage: 'approved',
        signOff: { hash: 'x'.repeat(64), at: '2026-01-01T00:00:00.000Z' },
        lastReviewedAt: '2020-01-01T00:00:00.000Z',
        nextReviewDue: '2099-01-01T00:00:00.000Z',
      },
    })
    expect(sneaky.status).toBe(200)
    const gql = await graphql(`mutation { updateArticle(id: ${guide.id}, data: { stage: approved, _status: published }) { stage } }`, { as: 'admin' })
    expect(gql.body.errors?.length ?? 0).toBeGreaterThan(0)
    const gql2 = await graphql(`mutation { updateArticle(id: ${guide.id}, draft: true, data: { stage: approved }) { stage } }`, { as: 'admin' })
    expect(gql2.body.data?.updateArticle?.stage ?? 'medical_review').toBe('medical_review')
    const bulk = await rest('PATCH', `/api/articles?where[id][equals]=${guide.id}`, { as: 'admin', body: { _status: 'published' } })
    expect(bulk.body.docs?.length ?? 0).toBe(0)
    const created = await rest('POST', '/api/articles', { as: 'editor', body: { title: 'Straight to live', summary: 's', _status: 'published' } })
    expect(created.status).toBe(403)

    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('medical_review')
    expect(wf.signOff).toBeNull()
    expect(wf.lastReviewedAt).toBeNull()
    expect(await publicGuide(guide.id)).toBeUndefined()
  })
})

describe('the audit log', () => {
  it('cannot be written, edited or deleted through any API, nor in the database', async () => {
    const guide = await guideAt('editorial_review')
    const events = await rest('GET', `/api/workflow-events?where[article][equals]=${guide.id}`, { as: 'admin' })
    const id = events.body.docs[0].id
    expect((await rest('POST', '/api/workflow-events', { as: 'admin', body: { article: guide.id, action: 'publish', fromStage: 'draft', toStage: 'published' } })).status).toBe(403)
    expect((await rest('PATCH', `/api/workflow-events/${id}`, { as: 'admin', body: { note: 'rewritten' } })).status).toBe(403)
    expect((await rest('DELETE', `/api/workflow-events/${id}`, { as: 'admin' })).status).toBe(403)
    const gql = await graphql(`mutation { deleteWorkflowEvent(id: ${id}) { id } }`, { as: 'admin' })
    expect(gql.body.errors?.length ?? 0).toBeGreaterThan(0)
    expect((await rest('GET', '/api/workflow-events')).status).toBe(403)

    await expect(sql('update workflow_events set note = $1 where id = $2', ['x', id])).rejects.toThrow(/append-only/)
    await expect(sql('delete from workflow_events where id = $1', [id])).rejects.toThrow(/append-only/)
    expect((await rest('GET', `/api/workflow-events/${id}`, { as: 'admin' })).body.note ?? null).toBeNull()
  })
})

describe('the seed guide', () => {
  it('is published with a sign-off by Raphael Crawford-Marks on June 9, 2026 that matches its text', async () => {
    const list = await rest('GET', '/api/articles?where[slug][equals]=returning-to-running-after-an-injury&depth=0')
    const wf = (await workflowOf(list.body.docs[0].id)).body
    expect(wf).toMatchObject({ stage: 'published', live: true })
    expect(wf.signOff).toMatchObject({ matches: true, reviewer: { name: 'Raphael Crawford-Marks', role: 'Founder' } })
    expect(wf.signOff.at.slice(0, 10)).toBe('2026-06-09')
    expect(wf.history[0]).toMatchObject({ action: 'import', to: 'published' })
  })
})

describe('archive and restore', () => {
  it('an archived live guide goes offline; an editor restores it to a draft (audited), a reviewer cannot', async () => {
    const guide = await guideAt('published')
    expect((await act(guide.id, 'editor', 'archive')).status).toBe(200)
    expect(await publicGuide(guide.id)).toBeUndefined()
    expect((await workflowOf(guide.id)).body.actions).toEqual(['restore'])
    expect((await act(guide.id, 'reviewer', 'restore')).status).toBe(403)
    const restored = await act(guide.id, 'editor2', 'restore')
    expect(restored.body).toMatchObject({ stage: 'draft', from: 'archived' })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.history.at(-1)).toMatchObject({ action: 'restore', from: 'archived', to: 'draft', actor: { name: expect.any(String) } })
    expect(await publicGuide(guide.id)).toBeUndefined()
    expect((await act(guide.id, 'editor', 'restore')).status).toBe(409)
  })
})
