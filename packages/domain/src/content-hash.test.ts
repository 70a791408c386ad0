import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'

import { canonicalJson, contentHash, type ContentHashInput } from './content-hash'
import type { LexicalNode, LexicalState } from './lexical'
import type { SourceData } from './sources'

const A: SourceData = { id: 1, authors: ['Gabbett TJ'], title: 'Paradox', container: 'BJSM', year: 2016, doi: '10.1136/x' }
const B: SourceData = { id: 2, authors: ['Nielsen RO'], title: 'Excessive progression', container: 'JOSPT', year: 2014 }
const C: SourceData = { id: 3, authors: ['Unused'], title: 'Never cited' }

const text = (t: string): LexicalNode => ({ type: 'text', text: t, format: 0 })
const cite = (source: unknown, id = 'cit-1'): LexicalNode => ({
  type: 'inlineBlock',
  fields: { id, blockType: 'citation', source },
})
const body = (a: unknown, b: unknown, words = 'Increase load slowly'): LexicalState => ({
  root: {
    type: 'root',
    children: [{ type: 'paragraph', children: [text(words), cite(a, 'c1'), text(' and rest'), cite(b, 'c2')] }],
  },
})
const safety: LexicalState = { root: { type: 'root', children: [{ type: 'paragraph', children: [text('See a doctor.')] }] } }

const base: ContentHashInput = {
  title: 'Returning to running',
  summary: 'How to come back.',
  body: body(1, 2),
  disclaimer: 'Not medical advice.',
  safety,
  sources: [A, B, C],
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace and undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,null,"x"]},"b":1}')
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }))
    expect(canonicalJson(NaN)).toBe('null')
  })

  it('throws on cycles', () => {
    const o: Record<string, unknown> = {}
    o.self = o
    expect(() => canonicalJson(o)).toThrow(/cyclic/)
  })
})

describe('contentHash', () => {
  const h = contentHash(base)

  it('is a hex SHA-256 and deterministic', () => {
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(contentHash(structuredClone(base))).toBe(h)
  })

  it('matches sha256 of the canonical document', () => {
    const expected = createHash('sha256')
      .update(
        canonicalJson({
          v: 2,
          title: 'x',
          slug: '',
          summary: '',
          byline: '',
          metaTitle: '',
          metaDescription: '',
          reviewIntervalMonths: null,
          disclaimer: '',
          body: null,
          safety: null,
          sources: [],
        }),
      )
      .digest('hex')
    expect(contentHash({ title: ' x ' })).toBe(expected)
  })

  it('is the same for depth-0 ids and populated source objects', () => {
    expect(contentHash({ ...base, body: body(A, B) })).toBe(h)
    expect(contentHash({ ...base, body: body('1', { ...B, id: '2' }) })).toBe(h)
  })

  it('ignores block ids, surrounding whitespace, key order and uncited sources', () => {
    const b = body(1, 2)
    const para = b.root.children![0]!
    ;(para.children![1]!.fields as Record<string, unknown>).id = 'other-id'
    expect(contentHash({ ...base, body: b })).toBe(h)
    expect(contentHash({ ...base, title: '  Returning to running\n' })).toBe(h)
    expect(contentHash({ ...base, sources: [B, A] })).toBe(h)
    expect(contentHash({ ...base, sources: [A, B] })).toBe(h)
    expect(contentHash({ ...base, sources: [A, B, { ...C, title: 'changed' }] })).toBe(h)
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as ContentHashInput
    expect(contentHash(reordered)).toBe(h)
  })

  it('changes when any text changes', () => {
    const variants: ContentHashInput[] = [
      { ...base, title: 'Returning to running!' },
      { ...base, summary: 'How to come back safely.' },
      { ...base, disclaimer: null },
      { ...base, body: body(1, 2, 'Increase load quickly') },
      { ...base, safety: { root: { type: 'root', children: [{ type: 'paragraph', children: [text('See a physio.')] }] } } },
      { ...base, safety: null },
      // Reader-visible outside the body: the byline, the address, what search engines show, and
      // the interval that sets the public "next review due".
      { ...base, byline: 'Dr. Evil, MD' },
      { ...base, slug: 'another-address' },
      { ...base, meta: { title: 'Run through the pain' } },
      { ...base, meta: { description: 'Running through a stress fracture is safe.' } },
      { ...base, reviewIntervalMonths: 36 },
    ]
    const hashes = variants.map(contentHash)
    for (const v of hashes) expect(v).not.toBe(h)
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it('changes when text formatting changes', () => {
    const b = body(1, 2)
    b.root.children![0]!.children![0]!.format = 1
    expect(contentHash({ ...base, body: b })).not.toBe(h)
  })

  it("changes when any cited source's citation data changes", () => {
    const changes: Partial<SourceData>[] = [
      { authors: ['Gabbett T'] },
      { title: 'Paradox revisited' },
      { container: 'Br J Sports Med' },
      { year: 2017 },
      { volume: '51' },
      { issue: '2' },
      { pages: '1-2' },
      { doi: '10.1136/y' },
      { pmid: '123' },
      { url: 'https://example.org' },
      { note: 'Erratum published' },
      { retracted: true },
    ]
    const hashes = changes.map((change) => contentHash({ ...base, sources: [{ ...A, ...change }, B, C] }))
    for (const v of hashes) expect(v).not.toBe(h)
    expect(new Set(hashes).size).toBe(changes.length)
    // The same change in the populated object inside the body does not count: the sources list is authoritative.
    expect(contentHash({ ...base, body: body({ ...A, title: 'stale copy' }, B) })).toBe(h)
  })

  it('changes when the citation order changes, or a cited source goes missing', () => {
    expect(contentHash({ ...base, body: body(2, 1) })).not.toBe(h)
    expect(contentHash({ ...base, sources: [A] })).not.toBe(h)
    expect(contentHash({ ...base, body: body(1, null) })).not.toBe(h)
    expect(contentHash({ ...base, body: body(1, 3) })).not.toBe(h)
  })

  it('handles empty input', () => {
    expect(contentHash({})).toMatch(/^[0-9a-f]{64}$/)
    expect(contentHash({ title: null, body: null, sources: null })).toBe(contentHash({}))
  })
})
