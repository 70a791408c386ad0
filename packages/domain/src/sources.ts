/** Bibliographic sources: AMA-like formatting and identifier checks. Pure: no runtime imports. */

export type SourceAuthors = readonly string[] | readonly { name?: string | null }[] | null

export interface SourceData {
  id: number | string
  authors?: SourceAuthors
  title: string
  /** Journal or publisher. */
  container?: string | null
  year?: number | null
  volume?: string | null
  issue?: string | null
  pages?: string | null
  doi?: string | null
  pmid?: string | null
  url?: string | null
  note?: string | null
  retracted?: boolean | null
}

/** The fields of a source that readers see; what the content hash covers. */
export interface CitationData {
  authors: string[]
  title: string
  container: string | null
  year: number | null
  volume: string | null
  issue: string | null
  pages: string | null
  doi: string | null
  pmid: string | null
  url: string | null
  note: string | null
  retracted: boolean
}

export interface SourceParts {
  /** "Gabbett TJ" / "A, B, C, et al" (no final period), or null. */
  authors: string | null
  /** Title ending in . ? or !, or null when empty. */
  title: string | null
  container: string | null
  /** "50(5):273-280", "50", "273-280"... or null. */
  locator: string | null
  year: number | null
  /** Bare DOI ("10.1136/..."), only when valid. */
  doi: string | null
  doiUrl: string | null
  pmid: string | null
  pubmedUrl: string | null
  /** http(s) URL only; anything else (javascript:, data:...) is dropped. */
  url: string | null
  note: string | null
  retracted: boolean
}

export const MAX_LISTED_AUTHORS = 6
export const AUTHORS_BEFORE_ET_AL = 3

const DOI_PATTERN = /^10\.\d{4,9}\/\S+$/
const DOI_PREFIX = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i
const PMID_PATTERN = /^\d{1,8}$/

function clean(v: unknown): string | null {
  if (typeof v !== 'string') return null
  const s = v.replace(/\s+/g, ' ').trim()
  return s === '' ? null : s
}

/** Authors as trimmed, non-empty names (accepts strings or `{ name }` rows). */
export function authorNames(authors: SourceAuthors | undefined): string[] {
  if (!Array.isArray(authors)) return []
  const names: string[] = []
  for (const a of authors as readonly unknown[]) {
    const name = typeof a === 'string' ? clean(a) : typeof a === 'object' && a !== null ? clean((a as { name?: unknown }).name) : null
    if (name !== null) names.push(name)
  }
  return names
}

/** The bare DOI ("10.xxxx/...") from a DOI, "doi:..." or doi.org URL; null if not a valid DOI. */
export function normaliseDoi(input: unknown): string | null {
  const s = clean(input)
  if (s === null) return null
  const bare = s.replace(DOI_PREFIX, '')
  return DOI_PATTERN.test(bare) ? bare : null
}

/** A DOI of the form 10.NNNN/suffix (a "doi:" or doi.org URL prefix is tolerated). */
export function isValidDoi(input: unknown): boolean {
  return normaliseDoi(input) !== null
}

/** A PubMed id: 1 to 8 digits. */
export function isValidPmid(input: unknown): boolean {
  const s = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : ''
  return PMID_PATTERN.test(s)
}

/** The URL if it is an absolute http(s) URL, else null. */
export function safeHttpUrl(input: unknown): string | null {
  const s = clean(input)
  if (s === null) return null
  try {
    const url = new URL(s)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

function yearOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null
}

function formatAuthors(names: string[]): string | null {
  if (names.length === 0) return null
  const stripped = names.map((n) => n.replace(/\.+$/, ''))
  if (stripped.length > MAX_LISTED_AUTHORS) {
    return `${stripped.slice(0, AUTHORS_BEFORE_ET_AL).join(', ')}, et al`
  }
  return stripped.join(', ')
}

function withFinalStop(s: string): string {
  return /[.?!]$/.test(s) ? s : `${s}.`
}

/** The pieces of a reference, for sites that render links. */
export function formatSourceParts(s: SourceData): SourceParts {
  const title = clean(s.title)
  const volume = clean(s.volume)
  const issue = clean(s.issue)
  const pages = clean(s.pages)
  const volumeIssue = [volume, issue !== null ? `(${issue})` : null].filter(Boolean).join('')
  const locator = volumeIssue !== '' && pages !== null ? `${volumeIssue}:${pages}` : volumeIssue || pages
  const doi = normaliseDoi(s.doi)
  const pmid = isValidPmid(s.pmid) ? String(s.pmid).trim() : null
  return {
    authors: formatAuthors(authorNames(s.authors)),
    title: title !== null ? withFinalStop(title) : null,
    container: clean(s.container),
    locator: locator || null,
    year: yearOf(s.year),
    doi,
    doiUrl: doi !== null ? `https://doi.org/${doi}` : null,
    pmid,
    pubmedUrl: pmid !== null ? `https://pubmed.ncbi.nlm.nih.gov/${pmid}/` : null,
    url: safeHttpUrl(s.url),
    note: clean(s.note),
    retracted: s.retracted === true,
  }
}

/**
 * An AMA-like one-line reference, e.g.
 * `Gabbett TJ. The training-injury prevention paradox: ...? British Journal of Sports Medicine 50(5):273-280 (2016).`
 * Missing parts are left out without stray punctuation; the DOI (or else the
 * URL) is appended last.
 */
export function formatSource(s: SourceData): string {
  const p = formatSourceParts(s)
  const publication = [p.container, p.locator, p.year !== null ? `(${p.year})` : null].filter((x): x is string => x !== null).join(' ')
  return [p.authors !== null ? `${p.authors}.` : null, p.title, publication !== '' ? withFinalStop(publication) : null, p.doi !== null ? `doi:${p.doi}` : p.url]
    .filter((x): x is string => x !== null)
    .join(' ')
}

/** The reader-visible fields of a source, normalised; what the content hash covers. */
export function citationData(s: SourceData): CitationData {
  return {
    authors: authorNames(s.authors),
    title: clean(s.title) ?? '',
    container: clean(s.container),
    year: yearOf(s.year),
    volume: clean(s.volume),
    issue: clean(s.issue),
    pages: clean(s.pages),
    doi: normaliseDoi(s.doi) ?? clean(s.doi),
    pmid: clean(s.pmid),
    url: clean(s.url),
    note: clean(s.note),
    retracted: s.retracted === true,
  }
}

/** A short label for a citation: first author's surname and the year, e.g. "Gabbett 2016". */
export function citationLabel(s: SourceData): string {
  const first = authorNames(s.authors)[0]?.split(' ')[0]
  const year = yearOf(s.year)
  const who = first ?? (clean(s.title) ?? 'Untitled').split(' ').slice(0, 3).join(' ')
  return year ? `${who} ${year}` : who
}

/**
 * How a source is named in the CMS's source picker, and what its search matches: the short
 * citation ("Gabbett 2016"), then the title, every author, the year, DOI and PMID, e.g.
 * "Gabbett 2016 — The training-injury prevention paradox (Gabbett TJ · 2016 · doi 10.1136/… · PMID 26758673)".
 */
export function sourceLabel(s: SourceData): string {
  const authors = authorNames(s.authors)
  const year = yearOf(s.year)
  const doi = normaliseDoi(s.doi)
  const pmid = isValidPmid(s.pmid) ? String(s.pmid).trim() : null
  const details = [authors.join(', ') || null, year ? String(year) : null, doi ? `doi ${doi}` : null, pmid ? `PMID ${pmid}` : null].filter(Boolean)
  const title = clean(s.title) ?? 'Untitled'
  const head = authors.length ? `${citationLabel(s)} — ${title}` : title
  return `${head}${details.length ? ` (${details.join(' · ')})` : ''}`
}
