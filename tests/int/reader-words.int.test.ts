/**
 * Every word a reader or a search engine gets from a guide page (its text, <head> and JSON-LD)
 * comes from the signed content, from a field the domain package lists as deliberately outside
 * the sign-off, or from the site's own template (the words every guide page shares). Anything
 * else is reported. The check is shown to have teeth: with any one signed field taken out of
 * what explains the page, the same walk reports that field's words.
 */
import { DomUtils, parseDocument } from 'htmlparser2'

type ChildNode = ReturnType<typeof parseDocument>['children'][number]
const { isTag, isText } = DomUtils
import { describe, expect, it } from 'vitest'
import { plainTextOf, readingMinutes, walkLexical } from '@runsense/domain/lexical'
import { EXEMPT_NOTICES, UNSIGNED_READER_FIELDS } from '@runsense/domain/signed-content'
import { SIGNATURE_LABELS } from '@runsense/domain/sign-off-signature'
import { formatSource, formatSourceParts, type SourceData } from '@runsense/domain/sources'
import { guideAt, lexical, rest, siteUrl } from '../helpers/api'
import { eventually } from '../helpers/poll'

type Item = { text: string; where: string }

const SCHEMA_VOCABULARY = new Set(['@context', '@type', 'propertyID', 'inLanguage'])

/** What a reader or a crawler gets from the page: text nodes, the title, meta tags, labels, JSON-LD string values. */
function readerItems(html: string): Item[] {
  const items: Item[] = []
  const add = (text: string | undefined, where: string) => {
    for (const part of (text ?? '').split(' · ')) {
      const t = part.replace(/\s+/g, ' ').trim()
      if (t && /[\p{L}\p{N}]/u.test(t)) items.push({ text: t, where })
    }
  }
  const jsonLeaves = (v: unknown, path: string) => {
    if (typeof v === 'string') add(v, `JSON-LD ${path}`)
    else if (Array.isArray(v)) v.forEach((x, i) => jsonLeaves(x, `${path}[${i}]`))
    else if (v && typeof v === 'object') {
      // schema.org's own vocabulary ("MedicalWebPage", "PropertyValue", "DOI", "en") is the template's, not content.
      for (const [k, x] of Object.entries(v)) if (!SCHEMA_VOCABULARY.has(k)) jsonLeaves(x, `${path}.${k}`)
    }
  }
  const walk = (nodes: ChildNode[], where: string) => {
    for (const n of nodes) {
      if (isText(n)) add(n.data, where)
      if (!isTag(n)) continue
      const el = n
      if (el.name === 'script') {
        if (el.attribs.type === 'application/ld+json') jsonLeaves(JSON.parse(el.children.map((c) => (isText(c) ? c.data : '')).join('')), '')
        continue
      }
      if (el.name === 'style') continue
      if (el.name === 'meta' && (el.attribs.name || el.attribs.property) && el.attribs.name !== 'viewport')
        add(el.attribs.content, `<meta ${el.attribs.name ?? el.attribs.property}>`)
      for (const attr of ['aria-label', 'alt', 'title', 'placeholder']) if (el.attribs[attr]) add(el.attribs[attr], `${el.name}[${attr}]`)
      walk(el.children, el.name === 'title' ? '<title>' : where)
    }
  }
  walk(parseDocument(html).children, 'page')
  return items
}

const lexicalPieces = (state: unknown) => {
  const out: string[] = []
  walkLexical(state, (n) => {
    if (n.type === 'text') out.push(String(n.text))
    if (n.type === 'link') out.push(String((n.fields as { url?: string })?.url ?? ''))
  })
  return out
}

type Guide = Record<string, any>

/** The words each field of a published guide explains, signed fields separately (for the teeth check). */
function explainers(guide: Guide) {
  const site = siteUrl().replace(/\/$/, '')
  const sources = (guide.citedSources ?? []) as SourceData[]
  const signed: Record<string, string[]> = {
    title: [guide.title],
    slug: [guide.slug, `/guides/${guide.slug}/review.json`, `${site}/guides/${guide.slug}/review.json`],
    summary: [guide.summary],
    byline: [guide.byline],
    meta: [guide.meta?.title, guide.meta?.description].filter(Boolean),
    disclaimer: [guide.disclaimer],
    body: [...lexicalPieces(guide.body), String(readingMinutes(`${plainTextOf(guide.body)} ${plainTextOf(guide.safety)}`))],
    safety: lexicalPieces(guide.safety),
    citedSources: sources.flatMap((s) => {
      const p = formatSourceParts(s)
      return [
        formatSource(s),
        formatSource({ ...s, doi: null, url: null }),
        p.title,
        p.authors,
        p.container,
        p.doi,
        p.doiUrl,
        p.url,
        p.note && `(${p.note})`,
        p.year ? String(p.year) : null,
      ].filter((x): x is string => Boolean(x))
    }),
  }
  const day = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso))
  const r = guide.reviewer
  // Each deliberately unsigned field, by the name the domain package gives it.
  const unsigned: Record<keyof typeof UNSIGNED_READER_FIELDS, string[]> = {
    topics: (guide.topics ?? []).flatMap((t: { name: string; slug: string }) => [t.name, t.slug]),
    reviewer: r ? [r.name, r.role, r.slug, `/reviewers/${r.slug}`, `${site}/reviewers/${r.slug}`] : [],
    lastReviewedAt: guide.lastReviewedAt ? [day(guide.lastReviewedAt), guide.lastReviewedAt.slice(0, 10)] : [],
    nextReviewDue: guide.nextReviewDue ? [day(guide.nextReviewDue)] : [],
    createdAt: [guide.createdAt],
    updatedAt: [guide.updatedAt],
    retraction: [],
    related: [],
    reviewHistory: (guide.reviewHistory ?? []).flatMap((e: { at: string; note: string | null; reviewer: { name: string; role: string; slug: string } | null }) => [
      day(e.at),
      e.at.slice(0, 10),
      e.note ?? '',
      e.note ? EXEMPT_NOTICES.changeNotes : '',
      ...(e.reviewer ? [e.reviewer.name, e.reviewer.role, `/reviewers/${e.reviewer.slug}`] : []),
    ]),
    signature: Object.values(SIGNATURE_LABELS),
    siteChrome: [site],
  }
  return { signed, unsigned }
}

function unexplained(items: Item[], template: Set<string>, pieces: string[]) {
  return items.filter(({ text }) => !template.has(text) && !pieces.some((p) => p.includes(text)))
}

describe('the words on a live guide page', () => {
  it('all come from the signed content, a listed exemption or the shared template; taking out any signed field shows its words', async () => {
    const stamp = Date.now().toString(36)
    const src = await rest('POST', '/api/sources', {
      as: 'editor',
      body: {
        title: `Walker study ${stamp}`,
        authors: ['Quill Q', 'Rook R'],
        container: `Journal of walking ${stamp}`,
        year: 2017,
        doi: `10.5555/walk.${stamp}`,
        note: `Walker note ${stamp}`,
      },
    })
    const guide = await guideAt('published', {
      title: `Walker title ${stamp}`,
      summary: `Walker summary ${stamp}.`,
      byline: `Walker byline ${stamp}`,
      meta: { title: `Walker search title ${stamp}`, description: `Walker search description ${stamp}.` },
      disclaimer: `Walker disclaimer ${stamp}.`,
      body: lexical(`Walker body ${stamp}.`, [src.body.doc.id]),
      safety: lexical(`Walker safety ${stamp}.`),
    })
    const live = (await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=1`)).body.docs[0]
    const fetchPage = async (slug: string) => {
      const res = await fetch(`${siteUrl()}/guides/${slug}`)
      expect(res.status, slug).toBe(200)
      return res.text()
    }
    const items = readerItems(await fetchPage(guide.slug))
    // The template: what the seed guide's page shows too (header, footer, signup, section labels, schema types).
    const template = new Set(readerItems(await fetchPage('returning-to-running-after-an-injury')).map((i) => i.text))

    const { signed, unsigned } = explainers(live)
    const all = [...Object.values(signed).flat(), ...Object.values(unsigned).flat()]
    const leftover = unexplained(items, template, all)
    expect(leftover, `words on the page that no signed or listed field explains:\n${leftover.map((i) => `${i.where}: ${i.text}`).join('\n')}`).toEqual([])
    expect(items.length).toBeGreaterThan(20)

    for (const field of Object.keys(signed)) {
      const without = [
        ...Object.entries(signed)
          .filter(([f]) => f !== field)
          .flatMap(([, v]) => v),
        ...Object.values(unsigned).flat(),
      ]
      const shown = unexplained(items, template, without)
      expect(shown.length, `the page shows words of "${field}"`).toBeGreaterThan(0)
    }
  })
})

describe('the list of signed and deliberately unsigned fields', () => {
  it('classifies every field of the Articles collection, so a new field cannot reach readers unclassified', async () => {
    const { localPayload } = await import('../helpers/payload')
    const { classifyGuideField } = await import('@runsense/domain/signed-content')
    const payload = await localPayload()
    const names = payload.collections.articles.config.flattenedFields.map((f) => f.name)
    expect(names).toEqual(expect.arrayContaining(['title', 'byline', 'meta', 'citedSources', 'stage']))
    const unclassified = names.filter((n) => classifyGuideField(n) === null)
    expect(unclassified, 'add each to SIGNED_FIELDS, UNSIGNED_READER_FIELDS or STAFF_ONLY_FIELDS in packages/domain/src/signed-content.ts').toEqual([])
  })

  it('classifies every field of the other collections readers see (reviewers, topics, newsletter issues, the editorial policy)', async () => {
    const { localPayload } = await import('../helpers/payload')
    const { OTHER_READER_CONTENT } = await import('@runsense/domain/signed-content')
    const payload = await localPayload()
    const fieldsOf = (slug: string) =>
      (payload.collections[slug as 'reviewers']?.config.flattenedFields ?? payload.globals.config.find((g) => g.slug === slug)?.flattenedFields ?? []).map((f) => f.name)
    for (const [slug, listed] of Object.entries(OTHER_READER_CONTENT)) {
      const names = fieldsOf(slug)
      expect(names.length, `${slug} has fields`).toBeGreaterThan(2)
      const unclassified = names.filter((n) => !(n in listed))
      expect(unclassified, `add each field of ${slug} to OTHER_READER_CONTENT in packages/domain/src/signed-content.ts`).toEqual([])
    }
  })

  it("marks the editors' and reviewers' own words as not medically reviewed, next to them, where readers see them", async () => {
    const text = async (path: string) =>
      (await (await fetch(`${siteUrl()}${path}`)).text())
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    expect(await text('/about/editorial-policy')).toContain(EXEMPT_NOTICES.editorialPolicy)
    expect(await text('/topics/injury-and-comebacks')).toContain(EXEMPT_NOTICES.topicDescription)
    expect(await text('/reviewers/raphael-crawford-marks')).toContain(EXEMPT_NOTICES.reviewerBio)
  })

  it("keeps the editors' policy title out of the policy page's <head>, where a search result would show it without its notice", async () => {
    const original = (await rest('GET', '/api/globals/editorial-policy?depth=0', { as: 'admin' })).body
    const title = `Running cures asthma ${Date.now()}`
    expect((await rest('POST', '/api/globals/editorial-policy', { as: 'editor', body: { title } })).status).toBe(200)
    try {
      const html = await eventually(
        async () => (await fetch(`${siteUrl()}/about/editorial-policy`)).text(),
        (h) => h.includes(title),
      )
      const head = html.slice(0, html.indexOf('</head>'))
      expect(html.slice(html.indexOf('</head>'))).toContain(`<h1 class="page-title">${title}</h1>`)
      expect(head).toMatch(/<title[^>]*>Editorial policy · Runsense<\/title>/)
      expect(head).not.toContain(title)
      // Who changed the public policy, from what, to what.
      const log = await rest('GET', '/api/audit-log?where[entity][equals]=editorial-policy&sort=-createdAt&limit=1', { as: 'admin' })
      expect(log.body.docs[0]).toMatchObject({ action: 'update', actorName: expect.any(String), changes: { title: { from: original.title, to: title } } })
    } finally {
      await rest('POST', '/api/globals/editorial-policy', { as: 'admin', body: { title: original.title } })
    }
  })
})
