/** Numbering of inline citations by first mention. Pure: no runtime imports. */
import { blockFieldsOf, CITATION_BLOCK, isCitationNode, sourceIdOf, walkLexical, type LexicalInput } from './lexical'

export interface CitationOccurrence {
  /** Source id as a string, or null for a citation without a (known) source. */
  sourceId: string | null
  /** 1-based reference number, or undefined for a dangling citation. */
  number: number | undefined
}

export interface CitationNumbering {
  /** Source ids in order of first mention; index + 1 is the reference number. */
  order: string[]
  /** Reference number of a source (id or populated object), or undefined if not cited. */
  numberOf: (source: unknown) => number | undefined
  /** Number of citations that have no source (null, or an id not in `knownSourceIds`). */
  dangling: number
  /** Every citation in document order. */
  occurrences: CitationOccurrence[]
}

/** The raw source id of each citation in document order (null for citations without a source). */
export function citationSourceIds(state: LexicalInput | unknown): (string | null)[] {
  const ids: (string | null)[] = []
  walkLexical(state, (node) => {
    if (isCitationNode(node)) {
      ids.push(sourceIdOf(blockFieldsOf(node, CITATION_BLOCK)?.source))
      return false
    }
    return true
  })
  return ids
}

/**
 * Numbers the sources cited in a document by first mention: a source cited
 * again keeps its first number (A, B, A, C -> 1, 2, 1, 3).
 *
 * When `knownSourceIds` is given, citations pointing at ids not in it (deleted
 * sources) count as dangling and get no number.
 */
export function numberCitations(state: LexicalInput | unknown, knownSourceIds?: Iterable<string | number>): CitationNumbering {
  const known = knownSourceIds ? new Set(Array.from(knownSourceIds, (id) => String(id))) : null
  const numbers = new Map<string, number>()
  const order: string[] = []
  const occurrences: CitationOccurrence[] = []
  let dangling = 0
  for (const raw of citationSourceIds(state)) {
    const sourceId = raw !== null && (known === null || known.has(raw)) ? raw : null
    if (sourceId === null) {
      dangling++
      occurrences.push({ sourceId: null, number: undefined })
      continue
    }
    let number = numbers.get(sourceId)
    if (number === undefined) {
      order.push(sourceId)
      number = order.length
      numbers.set(sourceId, number)
    }
    occurrences.push({ sourceId, number })
  }
  return {
    order,
    numberOf: (source: unknown) => {
      const id = sourceIdOf(source)
      return id === null ? undefined : numbers.get(id)
    },
    dangling,
    occurrences,
  }
}

/** Ids of the sources cited in a document, in order of first mention, without duplicates. */
export function citedSourceIds(state: LexicalInput | unknown): string[] {
  return numberCitations(state).order
}
