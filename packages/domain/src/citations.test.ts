import { describe, it, expect } from 'vitest'

import { citedSourceIds, numberCitations } from './citations'
import type { LexicalNode, LexicalState } from './lexical'

const text = (t: string): LexicalNode => ({ type: 'text', text: t, format: 0 })
const cite = (source: unknown): LexicalNode => ({
  type: 'inlineBlock',
  fields: { id: Math.random().toString(36), blockType: 'citation', source },
})
const doc = (...paragraphs: LexicalNode[][]): LexicalState => ({
  root: { type: 'root', children: paragraphs.map((children) => ({ type: 'paragraph', children })) },
})

describe('numberCitations', () => {
  it('numbers by first mention: A, B, A, C -> 1, 2, 1, 3', () => {
    const A = 10
    const B = { id: 20, title: 'B' }
    const C = '30'
    const n = numberCitations(doc([text('x'), cite(A), cite(B)], [cite({ id: 10, title: 'A' }), text('y'), cite(C)]))
    expect(n.order).toEqual(['10', '20', '30'])
    expect(n.occurrences.map((o) => o.number)).toEqual([1, 2, 1, 3])
    expect(n.numberOf(10)).toBe(1)
    expect(n.numberOf('20')).toBe(2)
    expect(n.numberOf({ id: 30 })).toBe(3)
    expect(n.numberOf(99)).toBeUndefined()
    expect(n.numberOf(null)).toBeUndefined()
    expect(n.dangling).toBe(0)
  })

  it('counts citations without a source as dangling and does not number them', () => {
    const n = numberCitations(doc([cite(null), cite(5), cite(undefined), cite(''), cite(5)]))
    expect(n.order).toEqual(['5'])
    expect(n.dangling).toBe(3)
    expect(n.occurrences.map((o) => o.number)).toEqual([undefined, 1, undefined, undefined, 1])
  })

  it('treats ids unknown to knownSourceIds as dangling', () => {
    const n = numberCitations(doc([cite(1), cite(2), cite(3)]), [1, '3'])
    expect(n.order).toEqual(['1', '3'])
    expect(n.numberOf(3)).toBe(2)
    expect(n.numberOf(2)).toBeUndefined()
    expect(n.dangling).toBe(1)
  })

  it('ignores non-citation blocks and handles empty input', () => {
    const other: LexicalNode = { type: 'inlineBlock', fields: { blockType: 'glossary', source: 7 } }
    const n = numberCitations(doc([other, cite(8)]))
    expect(n.order).toEqual(['8'])
    expect(numberCitations(null)).toMatchObject({ order: [], dangling: 0 })
  })

  it('finds citations inside nested structures (lists, links)', () => {
    const state: LexicalState = {
      root: {
        type: 'root',
        children: [
          { type: 'list', children: [{ type: 'listitem', children: [text('a'), cite(2)] }] },
          { type: 'paragraph', children: [{ type: 'link', children: [text('l')] }, cite(1), cite(2)] },
        ],
      },
    }
    expect(citedSourceIds(state)).toEqual(['2', '1'])
  })
})
