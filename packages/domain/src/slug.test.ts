import { describe, it, expect } from 'vitest'
import fc from 'fast-check'

import { isValidSlug, MAX_SLUG_LENGTH, slugify } from './slug'

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/

describe('slugify', () => {
  it('lowercases and dashes a title', () => {
    expect(slugify('Returning to Running After an Injury')).toBe('returning-to-running-after-an-injury')
  })

  it('strips diacritics and transliterates letters NFKD keeps', () => {
    expect(slugify('Crème brûlée für Läufer')).toBe('creme-brulee-fur-laufer')
    expect(slugify('Straße Øresund')).toBe('strasse-oresund')
  })

  it("turns & into 'and' and collapses punctuation", () => {
    expect(slugify('Shin splints & stress -- fractures!!')).toBe('shin-splints-and-stress-fractures')
    expect(slugify('  --Hello, World--  ')).toBe('hello-world')
  })

  it('drops apostrophes inside words', () => {
    expect(slugify("Runner's knee")).toBe('runners-knee')
  })

  it('returns empty string when there is nothing to keep', () => {
    expect(slugify('!!! ???')).toBe('')
    expect(slugify('')).toBe('')
    expect(slugify(null)).toBe('')
  })

  it('cuts long slugs at a dash boundary within 96 chars', () => {
    const title = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')
    const slug = slugify(title)
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH)
    expect(slug.length).toBeGreaterThan(80)
    expect(title.toLowerCase().replace(/ /g, '-').startsWith(`${slug}-`)).toBe(true)
  })

  it('hard-cuts a single over-long word', () => {
    expect(slugify('a'.repeat(200))).toBe('a'.repeat(96))
  })

  it('property: output is always a valid slug shape or empty', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const slug = slugify(s)
        expect(slug === '' || SLUG.test(slug)).toBe(true)
        expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH)
        expect(slug === '' || isValidSlug(slug)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('property: idempotent', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => slugify(slugify(s)) === slugify(s)))
  })
})

describe('isValidSlug', () => {
  it('accepts slugify output and rejects malformed slugs', () => {
    expect(isValidSlug('returning-to-running')).toBe(true)
    for (const bad of ['', 'Upper', '-lead', 'trail-', 'dou--ble', 'sp ace', 'a'.repeat(97), 42]) {
      expect(isValidSlug(bad)).toBe(false)
    }
  })
})
