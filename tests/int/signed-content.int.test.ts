/**
 * What a reader sees is exactly what a named reviewer signed: each hole a security review found
 * (fields outside the hash, shared records changing live pages, four eyes bypassed during medical
 * review, version restore, raw rich text), reproduced as the attacker would try it, now refused
 * or harmless; and re-review without a text change.
 */
import { describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { act, createGuide, graphql, guideAt, lexical, rest, reviewerIds, siteUrl, workflowOf } from '../helpers/api'
import { waitForMail } from '../helpers/mail'
import { eventually } from '../helpers/poll'

const publicGuide = async (id: number) => (await rest('GET', `/api/articles?where[id][equals]=${id}&depth=0`)).body.docs[0]
const page = async (slug: string) => {
  const res = await fetch(`${siteUrl()}/guides/${slug}`)
  return { status: res.status, html: await res.text() }
}

describe('every reader-visible field of a guide is signed', () => {
  it('an editor cannot put words in the byline or the search description after a sign-off (the attack: edit, unpublish, publish)', async () => {
    const guide = await guideAt('published')
    const before = await page(guide.slug)
    expect(before.status).toBe(200)

    const edit = await rest('PATCH', `/api/articles/${guide.id}`, {
      as: 'editor2',
      body: { byline: 'Dr. Evil, MD — endorsed by the Mayo Clinic', meta: { title: 'Run through it', description: 'running through a stress fracture is safe' } },
    })
    expect(edit.status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('draft')
    expect(wf.signOff.matches).toBe(false)
    expect(wf.history.at(-1).action).toBe('sign_off_voided')
    expect(wf.changesSinceSignOff.map((d: { section: string }) => d.section)).toEqual(expect.arrayContaining(['Byline', 'Search title', 'Search description']))

    expect((await act(guide.id, 'editor2', 'unpublish')).status).toBe(200)
    const republish = await act(guide.id, 'editor2', 'publish')
    expect(republish.status).toBe(409)
    expect((await workflowOf(guide.id)).body.stage).toBe('draft')
    const after = await eventually(
      () => page(guide.slug),
      (p) => p.status === 404,
    )
    expect(after.status).toBe(404)
    expect(after.html).not.toContain('Dr. Evil')
  })

  it('the address and the review interval are signed too', async () => {
    for (const change of [{ slug: `moved-${Date.now()}` }, { reviewIntervalMonths: 36 }]) {
      const guide = await guideAt('approved')
      expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: change })).status).toBe(200)
      const wf = (await workflowOf(guide.id)).body
      expect(wf.signOff.matches, JSON.stringify(change)).toBe(false)
      expect((await act(guide.id, 'editor', 'publish')).status).toBe(409)
    }
  })

  it('navigation outside the hash (topics) does not void the sign-off, as the domain package lists it', async () => {
    const guide = await guideAt('approved')
    const topics = (await rest('GET', '/api/topics?limit=1&depth=0')).body.docs
    expect(topics.length).toBeGreaterThan(0)
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { topics: [topics[0].id] } })).status).toBe(200)
    expect((await workflowOf(guide.id)).body.signOff.matches).toBe(true)
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
  })
})

describe('shared records do not change live pages before a review', () => {
  it('a live guide shows each cited source as signed; a later edit waits for re-review, a retraction shows at once', async () => {
    const stamp = Date.now()
    const src = await rest('POST', '/api/sources', {
      as: 'editor',
      body: { title: `Snapshot study ${stamp}`, authors: ['Roe J'], container: 'Journal', year: 2019, note: `Signed note ${stamp}` },
    })
    const sourceId = src.body.doc.id
    const guide = await guideAt('published', { body: lexical('A cited claim.', [sourceId]) })
    const first = await eventually(
      () => page(guide.slug),
      (p) => p.status === 200,
    )
    expect(first.html).toContain(`Signed note ${stamp}`)

    expect((await rest('PATCH', `/api/sources/${sourceId}`, { as: 'editor', body: { note: 'Running through a stress fracture is safe' } })).status).toBe(200)
    expect((await rest('PATCH', `/api/sources/${sourceId}`, { as: 'editor', body: { retracted: true, retractionNote: `Withdrawn ${stamp}` } })).status).toBe(200)
    // The page is re-rendered (the retraction notice proves it), and still shows the signed note.
    // The notice is the site's own sentence: the editor's free-text note is not signed, so never shown.
    const later = await eventually(
      () => page(guide.slug),
      (p) => p.html.includes('This source has been retracted.'),
    )
    expect(later.html).toContain('This source has been retracted.')
    expect(later.html).not.toContain(`Withdrawn ${stamp}`)
    expect(later.html).toContain(`Signed note ${stamp}`)
    expect(later.html).not.toContain('stress fracture is safe')
    // The CMS's public answer carries the snapshot too.
    expect((await publicGuide(guide.id)).citedSources[0]).toMatchObject({ id: sourceId, note: `Signed note ${stamp}` })
  })

  it("only admins change a reviewer's name, role or credentials; a reviewer edits their own bio; every change is audited", async () => {
    const { raphael, demo } = await reviewerIds()
    for (const who of ['editor', 'reviewer2'] as const) {
      const res = await rest('PATCH', `/api/reviewers/${raphael}`, { as: who, body: { role: 'Chief Medical Officer' } })
      // Refused either way: the editor may not edit profiles (403); another reviewer's profile is not theirs to find (404).
      expect([403, 404], who).toContain(res.status)
    }
    const ownRole = await rest('PATCH', `/api/reviewers/${demo}`, { as: 'reviewer2', body: { role: 'Professor' } })
    expect(ownRole.status).toBe(403)
    expect(JSON.stringify(ownRole.body)).toMatch(/Only an admin can change a reviewer's role/)
    expect((await rest('POST', '/api/reviewers', { as: 'editor', body: { name: 'Dr. Fake', role: 'Surgeon' } })).status).toBe(403)

    const bio = `A demo reviewer bio, ${Date.now()}.`
    expect((await rest('PATCH', `/api/reviewers/${demo}`, { as: 'reviewer2', body: { bio } })).status).toBe(200)
    const role = `Demo role ${Date.now()}`
    expect((await rest('PATCH', `/api/reviewers/${demo}`, { as: 'admin', body: { role } })).status).toBe(200)
    const profile = (await rest('GET', `/api/reviewers/${demo}`)).body
    expect(profile).toMatchObject({ bio, role })
    expect((await rest('GET', `/api/reviewers/${raphael}`)).body.role).toBe('Founder')

    const log = await rest('GET', `/api/audit-log?where[entity][equals]=reviewers&where[entityId][equals]=${demo}&sort=-createdAt&limit=5`, { as: 'admin' })
    expect(log.status).toBe(200)
    expect(log.body.docs[0]).toMatchObject({ action: 'update', actorName: expect.any(String), changes: { role: { to: role } } })
    expect(log.body.docs[1]).toMatchObject({ action: 'update', changes: { bio: { to: bio } } })
    expect((await rest('GET', '/api/audit-log', { as: 'editor' })).status).toBe(403)
    expect((await rest('DELETE', `/api/audit-log/${log.body.docs[0].id}`, { as: 'admin' })).status).toBe(403)
    await expect(sql('update audit_log set summary = $1 where id = $2', ['x', log.body.docs[0].id])).rejects.toThrow(/append-only/)
  })

  it('only admins name a topic (a heading and title outside every sign-off); editors write its description; every change is audited', async () => {
    const claim = 'Ice baths heal stress fractures'
    expect((await rest('POST', '/api/topics', { as: 'editor', body: { name: claim } })).status).toBe(403)
    const created = await rest('POST', '/api/topics', { as: 'admin', body: { name: `Hills ${Date.now()}` } })
    expect(created.status).toBe(201)
    const { id, name, slug } = created.body.doc as { id: number; name: string; slug: string }

    for (const body of [{ name: claim }, { slug: 'ice-baths-heal-stress-fractures' }]) {
      const renamed = await rest('PATCH', `/api/topics/${id}`, { as: 'editor', body })
      expect(renamed.status, JSON.stringify(body)).toBe(403)
      expect(JSON.stringify(renamed.body)).toMatch(new RegExp(`Only an admin can change a topic's ${Object.keys(body)[0]}`))
    }
    const description = `Guides about hills, ${Date.now()}.`
    expect((await rest('PATCH', `/api/topics/${id}`, { as: 'editor', body: { description } })).status).toBe(200)
    expect((await rest('GET', `/api/topics/${id}`)).body).toMatchObject({ name, slug, description })
    expect((await rest('PATCH', `/api/topics/${id}`, { as: 'admin', body: { name: `${name} and trails` } })).status).toBe(200)
    expect((await rest('PATCH', `/api/topics/${id}`, { as: 'admin', body: { name: 'x'.repeat(61) } })).status).toBe(400)

    const log = await rest('GET', `/api/audit-log?where[entity][equals]=topics&where[entityId][equals]=${id}&sort=-createdAt&limit=5`, { as: 'admin' })
    expect(log.body.docs.map((d: { action: string; changes: Record<string, { to: unknown }> }) => [d.action, Object.keys(d.changes ?? {})])).toEqual([
      ['update', ['name']],
      ['update', ['description']],
      ['create', ['name', 'slug']],
    ])
    expect(log.body.docs[0].changes.name).toEqual({ from: name, to: `${name} and trails` })
  })
})

describe("a server write's marks stay with that write", () => {
  // One GraphQL request runs all its mutations on one request object, and Payload merges a write's
  // context into the request it is given: a mark a server write set there (the source flagging's
  // "this is the workflow") once reached the client's next mutation, which then skipped every
  // guard and wrote the live guide. Each server write now runs on a request of its own.
  it("an editor's second mutation after a source edit is an ordinary, guarded draft edit", async () => {
    const src = await rest('POST', '/api/sources', { as: 'editor', body: { title: `Batched ${Date.now()}`, authors: ['Doe J'], container: 'Journal', year: 2020 } })
    const sourceId = src.body.doc.id
    const guide = await guideAt('published', { body: lexical('A claim.', [sourceId]) })
    const live = await publicGuide(guide.id)
    const res = await graphql(
      `mutation {
        s: updateSource(id: ${sourceId}, data: { year: 2021 }) { id }
        a: updateArticle(id: ${guide.id}, data: { title: "Unsigned words", stage: approved, _status: published }) { id }
        b: updateArticle(id: ${guide.id}, draft: true, data: { byline: "Dr. Nobody", stage: approved }) { stage }
      }`,
      { as: 'editor' },
    )
    expect(res.body.data?.s?.id).toBe(sourceId) // the source edit itself went through (and flagged the guide)
    expect(
      (res.body.errors ?? []).map((e) => e.path?.[0]),
      JSON.stringify(res.body),
    ).toContain('a') // publishing outside the workflow is refused
    expect(res.body.data?.b?.stage).not.toBe('approved') // a draft edit cannot set the stage
    const after = await publicGuide(guide.id)
    expect(after.title).toBe(live.title)
    expect(after.byline).toBe(live.byline)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).not.toBe('approved')
    expect(wf.reviewFlag?.reason).toMatch(/was changed/)
  })
})

describe('four eyes hold for the text that is finally signed', () => {
  it('an edit during medical review takes the guide back to editorial review and tells the reviewer', async () => {
    const guide = await guideAt('medical_review')
    const sneaky = await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { title: `Rewritten during review ${guide.id}` } })
    expect(sneaky.status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('editorial_review')
    expect(wf.history.at(-1)).toMatchObject({ action: 'returned_to_editorial_review', from: 'medical_review', to: 'editorial_review' })
    expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(409)
    // editor2 wrote the text last, so editor2 cannot send it back; another editor must.
    const { raphael } = await reviewerIds()
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })).status).toBe(403)
    await waitForMail('reviewer@runsense.local', (m) => m.subject === `No longer ready for your review: Rewritten during review ${guide.id}`)
  })
})

describe('version restore is an ordinary draft edit, or refused', () => {
  it('a restore that would overwrite the live version is refused; a restore as draft leaves the live guide up, and voids the sign-off unless it brings back the signed text', async () => {
    const guide = await guideAt('published', { summary: 'The signed summary.' })
    const versions = await rest('GET', `/api/articles/versions?where[parent][equals]=${guide.id}&sort=createdAt&limit=1&depth=0`, { as: 'editor' })
    const oldest = versions.body.docs[0]
    expect(oldest.version.stage).toBe('draft')

    const plain = await rest('POST', `/api/articles/versions/${oldest.id}`, { as: 'editor' })
    expect(plain.status).toBe(403)
    expect(JSON.stringify(plain.body)).toMatch(/Restore a version as a draft/)
    expect((await publicGuide(guide.id))?._status).toBe('published')

    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'An unsigned summary.' } })
    const asDraft = await rest('POST', `/api/articles/versions/${oldest.id}?draft=true`, { as: 'editor' })
    expect(asDraft.status, JSON.stringify(asDraft.body)).toBe(200)
    const live = await publicGuide(guide.id)
    expect(live).toMatchObject({ _status: 'published', summary: 'The signed summary.' })
    expect((await page(guide.slug)).status).toBe(200)
    // The oldest version holds exactly the signed text: restoring it is an edit back to the signed
    // text, so the sign-off holds again (no new cycle) and the live guide stays as it was.
    const back = (await workflowOf(guide.id)).body
    expect(back.live).toBe(true)
    expect(back.stage).toBe('published')
    expect(back.signOff.matches).toBe(true)

    // Restoring the unsigned edit, as a draft, is an edit away from the signed text: it voids the sign-off.
    const all = await rest('GET', `/api/articles/versions?where[parent][equals]=${guide.id}&sort=-createdAt&limit=50&depth=0`, { as: 'editor' })
    const unsigned = all.body.docs.find((v: { version: { summary: string } }) => v.version.summary === 'An unsigned summary.')
    expect(unsigned).toBeTruthy()
    expect((await rest('POST', `/api/articles/versions/${unsigned.id}?draft=true`, { as: 'editor' })).status).toBe(200)
    expect(await publicGuide(guide.id)).toMatchObject({ _status: 'published', summary: 'The signed summary.' })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.live).toBe(true)
    expect(wf.stage).toBe('draft')
    expect(wf.signOff.matches).toBe(false)
  })
})

describe('rich text holds only what our editor offers', () => {
  const withNode = (node: unknown) => ({ root: { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', text: 'x', format: 0 }, node] }] } })

  it('refuses an upload node, a data: link and a document link sent over REST, with a sentence', async () => {
    const guide = await createGuide('editor')
    const cases: [unknown, RegExp][] = [
      [{ type: 'upload', relationTo: 'media', value: { url: 'https://evil.example/pixel.png' } }, /upload\W+, which our editor does not offer/],
      [{ type: 'link', fields: { linkType: 'custom', url: 'data:text/html,<script>alert(1)</script>' }, children: [{ type: 'text', text: 'hi' }] }, /links must start with/],
      [{ type: 'link', fields: { linkType: 'custom', url: 'javascript:alert(1)' }, children: [] }, /links must start with/],
      [{ type: 'link', fields: { linkType: 'internal', doc: { relationTo: 'users', value: 1 } }, children: [] }, /CMS document/],
    ]
    for (const [node, message] of cases) {
      const res = await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { body: withNode(node) } })
      expect(res.status, JSON.stringify(node)).toBe(400)
      expect(JSON.stringify(res.body)).toMatch(message)
    }
    const safety = await rest('PATCH', `/api/articles/${guide.id}`, {
      as: 'editor',
      body: { safety: { root: { type: 'root', children: [{ type: 'heading', tag: 'h2', children: [] }] } } },
    })
    expect(safety.status).toBe(400)
    const created = await rest('POST', '/api/articles', { as: 'editor', body: { title: 'x', summary: 'y', body: withNode({ type: 'upload', value: 1 }) } })
    expect(created.status).toBe(400)
    const ok = await rest('PATCH', `/api/articles/${guide.id}`, {
      as: 'editor',
      body: { body: withNode({ type: 'link', fields: { linkType: 'custom', url: 'https://bjsm.bmj.com/' }, children: [{ type: 'text', text: 'BJSM' }] }) },
    })
    expect(ok.status).toBe(200)
  })

  it("shows the reviewer a link target change in 'changes since the sign-off'", async () => {
    const link = (url: string) => ({
      root: {
        type: 'root',
        children: [
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'Read ', format: 0 },
              { type: 'link', fields: { linkType: 'custom', url }, children: [{ type: 'text', text: 'the study', format: 0 }] },
            ],
          },
        ],
      },
    })
    const guide = await guideAt('published', { body: link('https://bjsm.bmj.com/a') })
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { body: link('https://evil.example/b') } })).status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.signOff.matches).toBe(false)
    const body = wf.changesSinceSignOff.find((d: { section: string }) => d.section === 'Body')
    type Part = { change: string; text: string }
    const side = (skip: string) =>
      body.parts
        .filter((p: Part) => p.change !== skip)
        .map((p: Part) => p.text)
        .join('')
    expect(side('added')).toContain('<https://bjsm.bmj.com/a>')
    expect(side('removed')).toContain('<https://evil.example/b>')
    expect(body.parts.some((p: Part) => p.change === 'removed' && /bjsm/.test(p.text))).toBe(true)
    expect(body.parts.some((p: Part) => p.change === 'added' && /evil/.test(p.text))).toBe(true)
  })
})

describe('re-review without a text change', () => {
  it('start_review on a flagged live guide: the live version stays, a sign-off of the same text updates "Last reviewed" and clears the flag', async () => {
    const src = await rest('POST', '/api/sources', { as: 'editor', body: { title: `Re-review study ${Date.now()}`, authors: ['Poe E'], container: 'Journal', year: 2018 } })
    const sourceId = src.body.doc.id
    const guide = await guideAt('published', { body: lexical('A claim.', [sourceId]) })
    const firstReview = (await publicGuide(guide.id)).lastReviewedAt

    expect((await rest('PATCH', `/api/sources/${sourceId}`, { as: 'editor', body: { year: 2019 } })).status).toBe(200)
    let wf = (await workflowOf(guide.id, 'editor')).body
    expect(wf.reviewFlag.reason).toMatch(/was changed/)
    expect(wf.actions).toContain('start_review')
    expect((await workflowOf(guide.id, 'reviewer')).body.actions).not.toContain('start_review')
    expect((await act(guide.id, 'reviewer', 'start_review')).status).toBe(403)

    expect((await act(guide.id, 'editor2', 'start_review')).body.stage).toBe('editorial_review')
    expect(await publicGuide(guide.id)).toMatchObject({ _status: 'published', lastReviewedAt: firstReview })
    expect((await act(guide.id, 'editor2', 'start_review')).status).toBe(409)

    const { raphael } = await reviewerIds()
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
    expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(200)
    // The flag clears only when the review is published.
    expect((await workflowOf(guide.id)).body.reviewFlag).not.toBeNull()
    // The cited source's data changed, so readers are told what changed.
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(400)
    expect((await act(guide.id, 'editor', 'publish', { note: 'Updated the year of a cited study.' })).status).toBe(200)

    wf = (await workflowOf(guide.id)).body
    expect(wf.reviewFlag).toBeNull()
    expect(wf.history.map((h: { action: string }) => h.action).slice(-4)).toEqual(['start_review', 'send_to_medical_review', 'sign_off', 'publish'])
    const live = await publicGuide(guide.id)
    expect(live.lastReviewedAt).toBe(wf.signOff.at)
    expect(new Date(live.lastReviewedAt).getTime()).toBeGreaterThan(new Date(firstReview).getTime())
    expect(live.citedSources[0].year).toBe(2019)
  })
})
