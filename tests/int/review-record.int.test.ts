/**
 * The public review record: the history on the page (first published, updated and reviewed,
 * reviewed with no changes), review.json checked by an independent implementation of the
 * canonical form, and reviewers whose credentials lapsed refused at sign-off.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { act, cmsUrl, guideAt, lexical, rest, reviewerIds, siteUrl, workflowOf } from '../helpers/api'
import { eventually } from '../helpers/poll'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'

const publicGuide = async (id: number) => (await rest('GET', `/api/articles?where[id][equals]=${id}&depth=0`)).body.docs[0]
const reviewJson = async (slug: string) => {
  const res = await fetch(`${siteUrl()}/guides/${slug}/review.json`)
  return { status: res.status, body: res.status === 200 ? await res.json() : null }
}

/**
 * The canonical form as the README documents it, written again here without the domain
 * package: JSON with keys sorted by UTF-16 code unit and no whitespace; strings trimmed; block
 * ids dropped; a citation's source is its id as a string; cited sources in citation order.
 */
function independentCanonical(doc: Record<string, any>): string {
  const ser = (v: unknown): string => {
    if (v === null || v === undefined) return 'null'
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : ser(x))).join(',')}]`
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>
      return `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${ser(o[k])}`)
        .join(',')}}`
    }
    return JSON.stringify(v)
  }
  const norm = (n: any): any => {
    if (Array.isArray(n)) return n.map(norm)
    if (!n || typeof n !== 'object') return n
    const out: Record<string, any> = {}
    for (const [k, v] of Object.entries(n)) {
      if (k === 'fields' && (n.type === 'block' || n.type === 'inlineBlock') && v && typeof v === 'object') {
        const f: Record<string, any> = {}
        for (const [fk, fv] of Object.entries(v as object)) {
          if (fk === 'id') continue
          f[fk] =
            fk === 'source' && (v as any).blockType === 'citation' ? (fv === null || fv === undefined ? null : String(typeof fv === 'object' ? (fv as any).id : fv)) : norm(fv)
        }
        out[k] = f
      } else out[k] = norm(v)
    }
    return out
  }
  const cited: string[] = []
  const visit = (n: any) => {
    if (!n || typeof n !== 'object') return
    if (n.type === 'inlineBlock' && n.fields?.blockType === 'citation' && n.fields.source != null) {
      const id = String(typeof n.fields.source === 'object' ? n.fields.source.id : n.fields.source)
      if (!cited.includes(id)) cited.push(id)
    }
    for (const c of n.children ?? []) visit(c)
  }
  visit(doc.body?.root)
  const t = (s: unknown) => (typeof s === 'string' ? s.trim() : '')
  const sources = cited.map((id) => {
    const s = (doc.citedSources ?? []).find((x: any) => String(x.id) === id)
    if (!s) return null
    const { id: _id, ...data } = s
    return data
  })
  return ser({
    v: 2,
    title: t(doc.title),
    slug: t(doc.slug),
    summary: t(doc.summary),
    byline: t(doc.byline),
    metaTitle: t(doc.meta?.title),
    metaDescription: t(doc.meta?.description),
    reviewIntervalMonths: typeof doc.reviewIntervalMonths === 'number' ? doc.reviewIntervalMonths : null,
    disclaimer: t(doc.disclaimer),
    body: norm(doc.body ?? null),
    safety: norm(doc.safety ?? null),
    sources,
  })
}

describe('the public review history', () => {
  it('records the first publication, an update with its change note, and a review with no changes; internal notes never leak', async () => {
    const src = await rest('POST', '/api/sources', {
      as: 'editor',
      body: { title: `History study ${Date.now()}`, authors: ['Vale V'], container: 'Journal', year: 2021, doi: '10.5555/history' },
    })
    const guide = await guideAt('published', { body: lexical('A claim.', [src.body.doc.id]) })
    let live = await publicGuide(guide.id)
    expect(live.reviewHistory).toHaveLength(1)
    expect(live.reviewHistory[0]).toMatchObject({ kind: 'first_published', reviewer: { name: 'Raphael Crawford-Marks', role: 'Founder' }, note: null })

    const secret = `Internal: do not publish ${Date.now()}`
    expect((await rest('POST', '/api/editorial-notes', { as: 'editor', body: { article: guide.id, body: secret } })).status).toBe(201)

    // An update: publishing changed text needs a public change note.
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'A clearer summary.' } })
    const { raphael } = await reviewerIds()
    await act(guide.id, 'editor2', 'submit')
    await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })
    await act(guide.id, 'reviewer', 'sign_off')
    const noNote = await act(guide.id, 'editor', 'publish')
    expect(noNote.status).toBe(400)
    expect(noNote.body.missing).toEqual(['note'])
    expect((await act(guide.id, 'editor', 'publish', { note: 'Clarified the summary.' })).status).toBe(200)

    // A review with no changes.
    expect((await act(guide.id, 'editor2', 'start_review')).status).toBe(200)
    // editor2 wrote the summary, so another editor sends it to medical review.
    expect((await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
    await act(guide.id, 'reviewer', 'sign_off')
    expect((await act(guide.id, 'admin', 'publish')).status).toBe(200)

    live = await publicGuide(guide.id)
    expect(live.reviewHistory.map((e: { kind: string }) => e.kind)).toEqual(['first_published', 'updated', 'reviewed'])
    expect(live.reviewHistory[1].note).toBe('Clarified the summary.')

    const html = (
      await eventually(
        () => fetch(`${siteUrl()}/guides/${guide.slug}`).then((r) => r.text()),
        (h) => h.includes('Reviewed with no changes'),
      )
    ).replace(/<!-- -->/g, '')
    const text = html.replace(/<[^>]+>/g, '')
    expect(text).toContain('Review history')
    expect(text).toContain('Updated and reviewed, reviewed by Raphael Crawford-Marks, Founder. Editor’s note: Clarified the summary.')
    expect(text).toContain('Reviewed with no changes, reviewed by Raphael Crawford-Marks, Founder.')
    // The note is the editor's words, not the reviewer's: the history says so under the list.
    expect(text).toContain(EXEMPT_NOTICES.changeNotes)
    expect(text).toContain('First published, reviewed by Raphael Crawford-Marks, Founder.')
    expect(html).toContain(`href="/guides/${guide.slug}/review.json"`)
    expect(html).not.toContain(secret)

    const record = await eventually(
      () => reviewJson(guide.slug),
      (r) => r.body?.history?.length === 3,
    )
    expect(record.body.history.map((e: { event: string }) => e.event)).toEqual(['First published', 'Updated and reviewed', 'Reviewed with no changes'])
    expect(JSON.stringify(record.body)).not.toContain(secret)
  })
})

describe('review.json', () => {
  it('publishes the signed hash with the exact canonical content, which an independent implementation recomputes', async () => {
    for (const slug of ['returning-to-running-after-an-injury', (await guideAt('published', { meta: { title: 'Search title', description: 'Search description' } })).slug]) {
      const { status, body } = await eventually(
        () => reviewJson(slug),
        (r) => r.status === 200,
      )
      expect(status, slug).toBe(200)
      expect(body).toMatchObject({ slug, url: `${siteUrl()}/guides/${slug}`, hash: { algorithm: 'sha256', version: 2 } })
      expect(body.signOff.reviewer).toMatchObject({ name: 'Raphael Crawford-Marks', role: 'Founder', url: `${siteUrl()}/reviewers/raphael-crawford-marks` })
      // Anyone: sha256(canonical) is the signed hash.
      expect(createHash('sha256').update(body.canonical, 'utf8').digest('hex')).toBe(body.hash.value)
      // The signed hash is the one the CMS recorded at sign-off.
      const doc = (await rest('GET', `/api/articles?where[slug][equals]=${slug}&depth=0`)).body.docs[0]
      const signed = (await workflowOf(doc.id)).body.signOff
      expect(signed.hash).toBe(body.hash.value)
      // The current sign-off's date is the sign-off's own.
      expect(body.signOff.date).toBe(signed.at)
      // And the canonical content is what the public API serves, in the documented form.
      expect(independentCanonical(doc)).toBe(body.canonical)
    }
    expect((await reviewJson('no-such-guide')).status).toBe(404)
  })

  it('is linked from the page head and the JSON-LD', async () => {
    const html = await (await fetch(`${siteUrl()}/guides/returning-to-running-after-an-injury`)).text()
    expect(html).toMatch(/<link rel="alternate" type="application\/json" title="Review record" href="\/guides\/returning-to-running-after-an-injury\/review.json"/)
    const ld = JSON.parse(html.match(/<script type="application\/ld\+json">(.*?)<\/script>/s)![1])
    expect(ld.subjectOf.url).toBe(`${siteUrl()}/guides/returning-to-running-after-an-injury/review.json`)
  })
})

describe("reviewers' credentials", () => {
  it('a reviewer whose verification lapsed cannot sign off, and is told who can fix it; only admins verify', async () => {
    const stamp = Date.now()
    const profile = await rest('POST', '/api/reviewers', {
      as: 'admin',
      body: { name: `Lapsed Reviewer ${stamp}`, role: 'Physiotherapist', credentials: 'PT', verification: { verifiedAt: '2020-01-15T00:00:00.000Z' } },
    })
    expect(profile.status, JSON.stringify(profile.body)).toBe(201)
    const reviewerId = profile.body.doc.id
    expect(profile.body.doc.verification.expiresAt.slice(0, 10)).toBe('2022-01-15')
    const email = `lapsed-${stamp}@runsense.local`
    const password = `pw-${stamp}-long-enough`
    expect((await rest('POST', '/api/users', { as: 'admin', body: { email, password, name: `Lapsed ${stamp}`, role: 'reviewer', reviewer: reviewerId } })).status).toBe(201)
    const login = await fetch(`${cmsUrl()}/api/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
    const { token } = (await login.json()) as { token: string }
    const asLapsed = (path: string, body?: unknown) =>
      fetch(`${cmsUrl()}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `JWT ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => ({ status: r.status, body: await r.json() }))

    // Nobody sends a guide to a reviewer who cannot sign off: it would wait for nothing.
    const guide = await guideAt('editorial_review')
    const toLapsed = await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: reviewerId })
    expect(toLapsed.status).toBe(400)
    expect(toLapsed.body.error).toMatch(new RegExp(`Lapsed Reviewer ${stamp}'s credentials verification lapsed on 2022-01-15.*Choose another reviewer`))
    expect(toLapsed.body.missing).toEqual(['reviewer'])
    // Sent while verified, lapsed since: the reviewer learns why they cannot sign off.
    expect((await rest('PATCH', `/api/reviewers/${reviewerId}`, { as: 'admin', body: { verification: { verifiedAt: new Date().toISOString() } } })).status).toBe(200)
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: reviewerId })).status).toBe(200)
    expect((await rest('PATCH', `/api/reviewers/${reviewerId}`, { as: 'admin', body: { verification: { verifiedAt: '2020-01-15T00:00:00.000Z' } } })).status).toBe(200)
    const seen = (await asLapsed(`/api/articles/${guide.id}/workflow`)).body
    expect(seen.actions).not.toContain('sign_off')
    // The panel tells them why there is no "Sign off" button, before they try.
    expect(seen.signOffRefused).toMatch(/lapsed on 2022-01-15.*admin/)
    const refused = await asLapsed(`/api/articles/${guide.id}/workflow`, { action: 'sign_off' })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatch(/lapsed on 2022-01-15.*admin/)

    // The reviewer cannot verify themselves; an admin can.
    const self = await fetch(`${cmsUrl()}/api/reviewers/${reviewerId}`, {
      method: 'PATCH',
      headers: { authorization: `JWT ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ verification: { verifiedAt: new Date().toISOString() } }),
    })
    expect(self.status).toBe(403)
    expect((await rest('PATCH', `/api/reviewers/${reviewerId}`, { as: 'admin', body: { verification: { verifiedAt: new Date().toISOString() } } })).status).toBe(200)
    expect((await asLapsed(`/api/articles/${guide.id}/workflow`)).body.signOffRefused).toBeNull()
    expect((await asLapsed(`/api/articles/${guide.id}/workflow`, { action: 'sign_off' })).status).toBe(200)

    const page = await eventually(
      () => fetch(`${siteUrl()}/reviewers/${profile.body.doc.slug}`).then((r) => r.text()),
      (h) => h.includes('Credentials verified on'),
    )
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())
    expect(page.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '')).toContain(`Credentials verified on ${day}`)
    // Who verified is for staff only.
    expect((await rest('GET', `/api/reviewers/${reviewerId}`)).body.verification.verifiedBy ?? null).toBeNull()
    expect((await rest('GET', `/api/reviewers/${reviewerId}`, { as: 'editor' })).body.verification.verifiedBy).toBeTruthy()
  })
})

describe('every page that shows a reviewer follows a change to the profile', () => {
  it("a reviewer's new role reaches the guide's review line and JSON-LD, not only the reviewer's page", async () => {
    const { demo } = await reviewerIds()
    const guide = await guideAt('editorial_review')
    await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: demo })
    expect((await act(guide.id, 'reviewer2', 'sign_off')).status).toBe(200)
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
    const url = `${siteUrl()}/guides/${guide.slug}`
    await eventually(
      () => fetch(url).then((r) => r.status),
      (s) => s === 200,
    )
    await fetch(url) // rendered and cached with the old role
    const before = (await rest('GET', `/api/reviewers/${demo}?depth=0`)).body.role

    const role = `Sports physiotherapist ${Date.now()}`
    expect((await rest('PATCH', `/api/reviewers/${demo}`, { as: 'admin', body: { role } })).status).toBe(200)
    const html = await eventually(
      () => fetch(url).then((r) => r.text()),
      (h) => h.includes(role),
    )
    const ld = JSON.parse(html.match(/<script type="application\/ld\+json">(.*?)<\/script>/s)![1])
    expect(ld.reviewedBy.jobTitle).toBe(role)
    const text = html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '')
    expect(text).toContain(`Demo Reviewer, ${role} · Last reviewed`)
    // The history names the reviewer as they were when they reviewed it.
    expect(text).toContain(`First published, reviewed by Demo Reviewer, ${before}.`)
    const record = await (await fetch(`${url}/review.json`)).json()
    expect(record.signOff.reviewer.role).toBe(role)
    expect(record.history[0].reviewer.role).toBe(before)
  })
})

describe('changes outside the sign-off', () => {
  it("a live guide's topics change goes live by publishing, with no review and no entry in the review history", async () => {
    const stamp = Date.now().toString(36)
    const topic = await rest('POST', '/api/topics', { as: 'admin', body: { name: `Trails ${stamp}`, slug: `trails-${stamp}`, description: 'Guides about trails.' } })
    expect(topic.status, JSON.stringify(topic.body)).toBe(201)
    const guide = await guideAt('published')
    const before = await publicGuide(guide.id)
    const topicPage = () => fetch(`${siteUrl()}/topics/trails-${stamp}`).then((r) => r.text())
    expect(await topicPage()).not.toContain(guide.title)

    // The editor adds the topic: a draft, the signed text untouched, so the stage stays published.
    const edit = await rest('PATCH', `/api/articles/${guide.id}?draft=true`, { as: 'editor', body: { topics: [topic.body.doc.id] } })
    expect(edit.status, JSON.stringify(edit.body)).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('published')
    expect(wf.actions).toContain('publish')
    // Not offered to a reviewer, and nothing to publish for a guide whose topics did not change.
    expect((await act(guide.id, 'reviewer', 'publish')).status).toBe(403)
    const untouched = await guideAt('published')
    expect((await workflowOf(untouched.id)).body.actions).not.toContain('publish')
    expect((await act(untouched.id, 'editor', 'publish')).status).toBe(409)

    // A correction needs a changed text; this publication has none.
    expect((await act(guide.id, 'editor', 'publish', { corrects: [1] })).status).toBe(400)
    const published = await act(guide.id, 'editor', 'publish')
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    expect((await workflowOf(guide.id)).body.actions).not.toContain('publish')

    expect(await eventually(topicPage, (html) => html.includes(guide.title))).toContain(guide.title)
    const after = await publicGuide(guide.id)
    // The public record is what was reviewed: the same sign-off, review date and history.
    expect(after.reviewHistory).toEqual(before.reviewHistory)
    expect(after.lastReviewedAt).toBe(before.lastReviewedAt)
    expect(after.signOff.hash).toBe(before.signOff.hash)
    expect(after.topics.map((t: { id: number } | number) => (typeof t === 'object' ? t.id : t))).toEqual([topic.body.doc.id])
  })
})
