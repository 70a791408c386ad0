/**
 * Everything a page shows stays fresh: a property over every displayed field of the records
 * pages show (a reviewer, a topic, the editorial policy, a guide's own words). For each field,
 * the test changes it through the CMS as staff would, and every page that shows it — the guide,
 * the lists, the reviewer and topic pages, the feed, the sitemap, review.json — must show the
 * new value (polled: the site hears about a change after it commits). Every page is rendered
 * and cached before each change, so a page that keeps a stale copy fails.
 *
 * The table below is checked against the domain's list of reader-visible fields
 * (OTHER_READER_CONTENT): a new displayed field without a row here fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OTHER_READER_CONTENT } from '@runsense/domain/signed-content'
import { act, guideData, lexical, rest, reviewerIds, siteUrl } from '../helpers/api'
import { eventually } from '../helpers/poll'

type Page = 'guide' | 'home' | 'list' | 'topic' | 'reviewer' | 'feed' | 'sitemap' | 'reviewJson' | 'policy'
type Ctx = { guideSlug: string; topicSlug: string; reviewerSlug: string }

const pathOf = (page: Page, c: Ctx) =>
  ({
    guide: `/guides/${c.guideSlug}`,
    home: '/',
    list: '/guides',
    topic: `/topics/${c.topicSlug}`,
    reviewer: `/reviewers/${c.reviewerSlug}`,
    feed: '/rss.xml',
    sitemap: '/sitemap.xml',
    reviewJson: `/guides/${c.guideSlug}/review.json`,
    policy: '/about/editorial-policy',
  })[page]

/** Page text as a reader or a crawler gets it: markup, attributes and escapes included. */
const read = async (path: string) => {
  const res = await fetch(`${siteUrl()}${path}`)
  return { status: res.status, text: (await res.text()).replace(/<!-- -->/g, '') }
}
const escaped = (s: string) => [s, s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;')]
const shows = (text: string, value: string) => escaped(value).some((v) => text.includes(v))

type Row = {
  /** collection (or global) and field, as in OTHER_READER_CONTENT */
  field: string
  /** makes the change through the CMS; returns the words the pages must now show */
  change: (c: Ctx) => Promise<string>
  pages: Page[]
  /** Words the pages must no longer show once they show the change (an old address), from the context before it. */
  gone?: (before: Ctx) => string[]
}

const stamp = () => Date.now().toString(36)
let demoId = 0
let topicId = 0
const patchReviewer = async (data: Record<string, unknown>) => {
  const res = await rest('PATCH', `/api/reviewers/${demoId}`, { as: 'admin', body: data })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
}
const patchTopic = async (data: Record<string, unknown>) => {
  const res = await rest('PATCH', `/api/topics/${topicId}`, { as: 'admin', body: data })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
}
const patchPolicy = async (data: Record<string, unknown>) => {
  const res = await rest('POST', '/api/globals/editorial-policy', { as: 'admin', body: data })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
}

const patchers: Record<string, (data: Record<string, unknown>) => Promise<void>> = { reviewers: patchReviewer, topics: patchTopic, 'editorial-policy': patchPolicy }
/** A row whose change sets one field (collection.field) to a fresh value, which the pages must then show. */
const setField = (field: string, pages: Page[], value: () => string): Row => ({
  field,
  pages,
  change: async () => {
    const [collection, key] = field.split('.')
    const v = value()
    await patchers[collection]({ [key]: v })
    return v
  },
})

const GUIDE_PAGES: Page[] = ['guide', 'home', 'list', 'topic', 'reviewer', 'feed', 'reviewJson']

const rows: Row[] = [
  setField('reviewers.name', GUIDE_PAGES, () => `Dana Demo ${stamp()}`),
  setField('reviewers.role', GUIDE_PAGES, () => `Sports physio ${stamp()}`),
  setField('reviewers.credentials', ['reviewer'], () => `PT, DPT ${stamp()}`),
  {
    field: 'reviewers.registrationBody',
    pages: ['reviewer'],
    change: async () => {
      const v = `HCPC${stamp()}`
      await patchReviewer({ registrationBody: v, registrationNumber: 'PH123' })
      return v
    },
  },
  setField('reviewers.registrationNumber', ['reviewer'], () => `PH${stamp()}`),
  {
    field: 'reviewers.verification',
    pages: ['reviewer'],
    change: async () => {
      await patchReviewer({ verification: { verifiedAt: '2026-03-04T12:00:00.000Z' } })
      return 'March 4, 2026'
    },
  },
  setField('reviewers.bio', ['reviewer'], () => `Runs trails at dawn ${stamp()}.`),
  {
    field: 'reviewers.slug',
    pages: ['guide', 'reviewJson', 'reviewer', 'sitemap'],
    // Nothing links the old address any more: not the review line, the review history, nor review.json's keys.
    gone: (before) => [`/reviewers/${before.reviewerSlug}"`, `/reviewers/${before.reviewerSlug}/`, `/reviewers/${before.reviewerSlug}<`],
    change: async (c) => {
      const old = c.reviewerSlug
      c.reviewerSlug = `demo-reviewer-${stamp()}`
      await patchReviewer({ slug: c.reviewerSlug })
      // The old address no longer shows the profile.
      const gone = await eventually(
        () => read(`/reviewers/${old}`),
        (r) => r.status === 404,
      )
      expect(gone.status, `/reviewers/${old} after the slug changed`).toBe(404)
      return `/reviewers/${c.reviewerSlug}`
    },
  },
  setField('topics.name', ['topic', 'list'], () => `Hill running ${stamp()}`),
  setField('topics.description', ['topic'], () => `Guides about hills ${stamp()}.`),
  {
    field: 'topics.slug',
    pages: ['topic', 'list', 'sitemap'],
    change: async (c) => {
      const old = c.topicSlug
      c.topicSlug = `hills-${stamp()}`
      await patchTopic({ slug: c.topicSlug })
      const gone = await eventually(
        () => read(`/topics/${old}`),
        (r) => r.status === 404,
      )
      expect(gone.status, `/topics/${old} after the slug changed`).toBe(404)
      return c.topicSlug
    },
  },
  setField('editorial-policy.title', ['policy'], () => `How we review ${stamp()}`),
  setField('editorial-policy.summary', ['policy'], () => `Every guide is checked ${stamp()}.`),
  {
    field: 'editorial-policy.body',
    pages: ['policy'],
    change: async () => {
      const v = `A clinician reads every word ${stamp()}.`
      await patchPolicy({ body: lexical(v) })
      return v
    },
  },
]

/**
 * The promise: every page shows a change within one second of the commit. Measured from
 * when the change's request returned (committed) to the first read that shows it, each page
 * polled at once; FRESH_SLACK_MS allows for this test's own reads on a busy machine.
 */
const FRESH_MS = 1000
const FRESH_SLACK_MS = 500
async function allShow(pages: Page[], c: Ctx, value: string, what: string) {
  const committed = Date.now()
  const seen = await Promise.all(
    pages.map(async (page) => {
      const path = pathOf(page, c)
      const now = await eventually(
        () => read(path),
        (r) => shows(r.text, value),
      )
      return { path, shown: shows(now.text, value), after: Date.now() - committed }
    }),
  )
  for (const { path, shown, after } of seen) {
    expect(shown, `${path} shows "${value}" after ${what} changed`).toBe(true)
    expect(after, `${path} showed the change ${after} ms after ${what} committed`).toBeLessThanOrEqual(FRESH_MS + FRESH_SLACK_MS)
  }
}

describe('every page that shows a record follows a change to it', () => {
  const c: Ctx = { guideSlug: '', topicSlug: '', reviewerSlug: 'demo-reviewer' }
  let guideId = 0
  let original: Record<string, unknown> = {}
  let originalPolicy: Record<string, unknown> = {}

  beforeAll(async () => {
    demoId = (await reviewerIds()).demo
    original = (await rest('GET', `/api/reviewers/${demoId}?depth=0`, { as: 'admin' })).body
    originalPolicy = (await rest('GET', '/api/globals/editorial-policy?depth=0', { as: 'admin' })).body
    c.topicSlug = `hills-${stamp()}`
    const topic = await rest('POST', '/api/topics', { as: 'admin', body: { name: `Hills ${stamp()}`, slug: c.topicSlug, description: 'Guides about hills.' } })
    expect(topic.status, JSON.stringify(topic.body)).toBe(201)
    topicId = topic.body.doc.id
    const created = await rest('POST', '/api/articles', { as: 'editor', body: guideData({ topics: [topicId] }) })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    guideId = created.body.doc.id
    c.guideSlug = created.body.doc.slug
    for (const [who, action, extra] of [
      ['editor', 'submit', {}],
      ['editor2', 'send_to_medical_review', { reviewer: demoId }],
      ['reviewer2', 'sign_off', {}],
      ['editor', 'publish', {}],
    ] as const) {
      const res = await act(guideId, who, action, extra)
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200)
    }
    await eventually(
      () => read(`/guides/${c.guideSlug}`),
      (r) => r.status === 200,
    )
  })

  afterAll(async () => {
    const keep = ['name', 'slug', 'role', 'credentials', 'registrationBody', 'registrationNumber', 'bio']
    await rest('PATCH', `/api/reviewers/${demoId}`, { as: 'admin', body: Object.fromEntries(keep.map((k) => [k, original[k] ?? null])) })
    await rest('POST', '/api/globals/editorial-policy', { as: 'admin', body: { title: originalPolicy.title, summary: originalPolicy.summary, body: originalPolicy.body } })
  })

  it('has a row for every displayed field of reviewers, topics and the editorial policy', () => {
    const displayed = Object.entries(OTHER_READER_CONTENT)
      .filter(([slug]) => slug !== 'newsletter-issues') // frozen when sent: an issue's words never change after
      .flatMap(([slug, fields]) =>
        Object.entries(fields)
          .filter(([, f]) => f.class === 'exempt')
          .map(([name]) => `${slug}.${name}`),
      )
    const covered = new Set(rows.map((r) => r.field))
    expect(displayed.filter((f) => !covered.has(f))).toEqual([])
  })

  for (const row of rows) {
    it(`${row.field} reaches ${row.pages.join(', ')}`, async () => {
      // Every page is rendered and cached before the change.
      for (const page of row.pages) expect((await read(pathOf(page, c))).status, pathOf(page, c)).toBe(200)
      const before = { ...c }
      const value = await row.change(c)
      await allShow(row.pages, c, value, row.field)
      for (const words of row.gone?.(before) ?? []) {
        for (const page of row.pages) expect(shows((await read(pathOf(page, c))).text, words), `${pathOf(page, c)} still shows "${words}"`).toBe(false)
      }
    })
  }

  it("a guide's own fields reach every page that shows the guide, after the new sign-off is published", async () => {
    const pages: Page[] = [...GUIDE_PAGES, 'sitemap']
    for (const page of pages) expect((await read(pathOf(page, c))).status).toBe(200)
    const title = `Hill repeats, gently ${stamp()}`
    const summary = `How to add hills without hurting your calves ${stamp()}.`
    const oldSlug = c.guideSlug
    const slug = `hill-repeats-${stamp()}`
    // The fields only the guide itself shows (and review.json's canonical content).
    const own = {
      byline: `Runsense coaches ${stamp()}`,
      disclaimer: `Not medical advice, ${stamp()}.`,
      body: `Walk the steep parts ${stamp()}.`,
      safety: `Stop on a sharp pain ${stamp()}.`,
      metaTitle: `Hill repeats for beginners ${stamp()}`,
      metaDescription: `Hill sessions that spare your calves ${stamp()}.`,
    }
    const patched = await rest('PATCH', `/api/articles/${guideId}?draft=true`, {
      as: 'editor',
      body: {
        title,
        summary,
        slug,
        byline: own.byline,
        disclaimer: own.disclaimer,
        body: lexical(own.body),
        safety: lexical(own.safety),
        meta: { title: own.metaTitle, description: own.metaDescription },
      },
    })
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    for (const [who, action, extra] of [
      ['editor', 'submit', {}],
      ['editor2', 'send_to_medical_review', { reviewer: demoId }],
      ['reviewer2', 'sign_off', {}],
      ['editor', 'publish', { note: 'Clearer title, summary and address.' }],
    ] as const) {
      const res = await act(guideId, who, action, extra)
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200)
    }
    c.guideSlug = slug
    // Every page shows the new title; the lists, the sitemap and review.json the new address.
    await allShow(
      pages.filter((p) => p !== 'sitemap'),
      c,
      title,
      'the title',
    )
    await allShow(['home', 'list', 'topic', 'reviewer', 'feed', 'sitemap', 'reviewJson'], c, `/guides/${slug}`, 'the address')
    for (const page of ['guide', 'home', 'list', 'topic', 'feed'] as Page[]) {
      const path = pathOf(page, c)
      expect(shows((await read(path)).text, summary), `${path} shows the new summary`).toBe(true)
    }
    for (const [field, value] of Object.entries(own)) {
      for (const page of ['guide', 'reviewJson'] as Page[]) expect(shows((await read(pathOf(page, c))).text, value), `${pathOf(page, c)} shows the new ${field}`).toBe(true)
    }
    // The old address is gone, from the sitemap too.
    expect((await read(`/guides/${oldSlug}`)).status).toBe(404)
    expect((await read(`/guides/${oldSlug}/review.json`)).status).toBe(404)
    for (const page of ['home', 'list', 'topic', 'reviewer', 'feed', 'sitemap'] as Page[]) {
      const text = (await read(pathOf(page, c))).text
      expect(text.includes(`/guides/${oldSlug}"`) || text.includes(`/guides/${oldSlug}<`), `${pathOf(page, c)} still links the old address`).toBe(false)
    }
  })
})
