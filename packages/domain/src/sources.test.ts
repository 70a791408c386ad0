import { describe, it, expect } from 'vitest'

import { citationData, formatSource, formatSourceParts, isValidDoi, isValidPmid, normaliseDoi, type SourceData } from './sources'

const gabbett: SourceData = {
  id: 1,
  authors: ['Gabbett TJ'],
  title: 'The training-injury prevention paradox: should athletes be training smarter and harder?',
  container: 'British Journal of Sports Medicine',
  volume: '50',
  issue: '5',
  pages: '273-280',
  year: 2016,
}

describe('formatSource', () => {
  it('formats the Gabbett reference exactly', () => {
    expect(formatSource(gabbett)).toBe(
      'Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and harder? British Journal of Sports Medicine 50(5):273-280 (2016).',
    )
  })

  it('adds a period to a title without terminal punctuation, but not twice', () => {
    expect(formatSource({ ...gabbett, title: 'Load and injury' })).toContain(' Load and injury. British')
    expect(formatSource({ ...gabbett, title: 'Load and injury.' })).toContain(' Load and injury. British')
    expect(formatSource({ ...gabbett, title: 'Load!' })).toContain(' Load! British')
  })

  it('lists up to 6 authors, and first 3 + et al beyond', () => {
    const six = ['A A', 'B B', 'C C', 'D D', 'E E', 'F F']
    expect(formatSource({ ...gabbett, authors: six })).toMatch(/^A A, B B, C C, D D, E E, F F\. The/)
    expect(formatSource({ ...gabbett, authors: [...six, 'G G'] })).toMatch(/^A A, B B, C C, et al\. The/)
    expect(formatSource({ ...gabbett, authors: [{ name: 'Nielsen RO' }, { name: ' Buist I ' }] })).toMatch(/^Nielsen RO, Buist I\. The/)
  })

  it('omits missing parts without stray punctuation', () => {
    expect(formatSource({ ...gabbett, volume: null, issue: null, pages: null })).toMatch(/ British Journal of Sports Medicine \(2016\)\.$/)
    expect(formatSource({ ...gabbett, year: null })).toMatch(/ British Journal of Sports Medicine 50\(5\):273-280\.$/)
    expect(formatSource({ ...gabbett, issue: null })).toMatch(/ Medicine 50:273-280 \(2016\)\.$/)
    expect(formatSource({ ...gabbett, volume: null, issue: null })).toMatch(/ Medicine 273-280 \(2016\)\.$/)
    expect(formatSource({ ...gabbett, pages: '' })).toMatch(/ Medicine 50\(5\) \(2016\)\.$/)
    expect(formatSource({ id: 2, title: 'Only a title', authors: null })).toBe('Only a title.')
    expect(formatSource({ id: 3, authors: [], title: 'Book', container: 'Human Kinetics', year: 2020 })).toBe('Book. Human Kinetics (2020).')
  })

  it('appends the DOI, or else an http(s) URL', () => {
    const withDoi = formatSource({ ...gabbett, doi: 'https://doi.org/10.1136/bjsports-2015-095788', url: 'https://x.org' })
    expect(withDoi).toMatch(/ \(2016\)\. doi:10\.1136\/bjsports-2015-095788$/)
    expect(formatSource({ ...gabbett, url: 'https://example.org/a' })).toMatch(/ \(2016\)\. https:\/\/example\.org\/a$/)
    expect(formatSource({ ...gabbett, url: 'javascript:alert(1)' })).toMatch(/\(2016\)\.$/)
  })
})

describe('formatSourceParts', () => {
  it('returns the pieces and link targets', () => {
    const parts = formatSourceParts({ ...gabbett, doi: '10.1136/bjsports-2015-095788', pmid: '26758673', retracted: true })
    expect(parts).toMatchObject({
      authors: 'Gabbett TJ',
      title: gabbett.title,
      container: 'British Journal of Sports Medicine',
      locator: '50(5):273-280',
      year: 2016,
      doi: '10.1136/bjsports-2015-095788',
      doiUrl: 'https://doi.org/10.1136/bjsports-2015-095788',
      pmid: '26758673',
      pubmedUrl: 'https://pubmed.ncbi.nlm.nih.gov/26758673/',
      url: null,
      retracted: true,
    })
    expect(formatSourceParts({ ...gabbett, url: 'data:text/html,x' }).url).toBeNull()
  })
})

describe('identifiers', () => {
  it('validates DOIs', () => {
    expect(isValidDoi('10.1136/bjsports-2015-095788')).toBe(true)
    expect(isValidDoi('doi:10.1000/xyz123')).toBe(true)
    expect(normaliseDoi(' https://doi.org/10.1000/ABC ')).toBe('10.1000/ABC')
    for (const bad of ['', '10.12/abc', '11.1234/abc', '10.1234/', '10.1234/a b', 'abc', null, 10]) {
      expect(isValidDoi(bad)).toBe(false)
    }
  })

  it('validates PMIDs (1-8 digits)', () => {
    expect(isValidPmid('1')).toBe(true)
    expect(isValidPmid('26758673')).toBe(true)
    expect(isValidPmid(26758673)).toBe(true)
    for (const bad of ['', '123456789', '12a', '-1', '1.5', null]) expect(isValidPmid(bad)).toBe(false)
  })
})

describe('citationData', () => {
  it('normalises authors and empty fields, and keeps the note', () => {
    expect(citationData({ id: 9, authors: [{ name: ' X Y ' }, { name: '' }], title: ' T ', note: 'Preprint', doi: 'doi:10.1000/q', url: '' })).toEqual({
      authors: ['X Y'],
      title: 'T',
      container: null,
      year: null,
      volume: null,
      issue: null,
      pages: null,
      doi: '10.1000/q',
      pmid: null,
      url: null,
      note: 'Preprint',
      retracted: false,
    })
  })

  it('excludes the id', () => {
    expect(citationData({ ...gabbett, id: 1 })).toEqual(citationData({ ...gabbett, id: 2 }))
  })
})

describe('citationLabel', () => {
  it('names the first author and the year, or the title when there is no author', async () => {
    const { citationLabel } = await import('./sources')
    expect(citationLabel({ id: 1, authors: ['Gabbett TJ', 'Other A'], title: 'Paradox', year: 2016 })).toBe('Gabbett 2016')
    expect(citationLabel({ id: 2, title: 'Training load and injury risk in runners', year: null })).toBe('Training load and')
  })
})

describe('sourceLabel', () => {
  it('names a source by first author and year, then holds every searchable part', async () => {
    const { sourceLabel } = await import('./sources')
    const label = sourceLabel({
      id: 1,
      authors: ['Gabbett TJ', 'Nielsen RO'],
      title: 'The training-injury prevention paradox',
      year: 2016,
      doi: 'https://doi.org/10.1136/bjsports-2015-095788',
      pmid: '26758673',
    })
    expect(label).toBe('Gabbett 2016 — The training-injury prevention paradox (Gabbett TJ, Nielsen RO · 2016 · doi 10.1136/bjsports-2015-095788 · PMID 26758673)')
    expect(sourceLabel({ id: 2, title: 'A report', year: 2020 })).toBe('A report (2020)')
  })
})
