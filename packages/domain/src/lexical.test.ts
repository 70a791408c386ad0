import { describe, it, expect } from 'vitest'

import { hasPlaceholders, headingsOf, placeholderNotesOf, plainTextOf, readingMinutes, sourceIdOf, walkLexical, type LexicalNode, type LexicalState } from './lexical'

const text = (t: string, format = 0): LexicalNode => ({ type: 'text', text: t, format })
const p = (...children: LexicalNode[]): LexicalNode => ({ type: 'paragraph', children })
const h = (tag: string, ...children: LexicalNode[]): LexicalNode => ({ type: 'heading', tag, children })
const cite = (source: unknown): LexicalNode => ({
  type: 'inlineBlock',
  fields: { id: 'x', blockType: 'citation', source },
})
const state = (...children: LexicalNode[]): LexicalState => ({
  root: { type: 'root', children, direction: 'ltr', format: '', indent: 0, version: 1 },
})

describe('walkLexical', () => {
  it('visits in depth-first pre-order with parent and depth', () => {
    const doc = state(h('h2', text('A')), p(text('b'), { type: 'link', url: 'https://x', children: [text('c')] }, text('d')), {
      type: 'list',
      children: [{ type: 'listitem', children: [text('e')] }],
    })
    const seen: string[] = []
    walkLexical(doc, (node, parent, depth) => {
      seen.push(`${depth}:${node.type}${node.text ? `=${node.text}` : ''}<${parent?.type ?? '-'}`)
    })
    expect(seen).toEqual([
      '0:root<-',
      '1:heading<root',
      '2:text=A<heading',
      '1:paragraph<root',
      '2:text=b<paragraph',
      '2:link<paragraph',
      '3:text=c<link',
      '2:text=d<paragraph',
      '1:list<root',
      '2:listitem<list',
      '3:text=e<listitem',
    ])
  })

  it('skips children when the visitor returns false, and tolerates junk', () => {
    const seen: string[] = []
    walkLexical(state(p(text('x')), h('h2', text('y'))), (n) => {
      seen.push(n.type)
      return n.type !== 'paragraph'
    })
    expect(seen).toEqual(['root', 'paragraph', 'heading', 'text'])
    for (const junk of [null, undefined, 42, 'str', {}, { root: null }]) {
      expect(() => walkLexical(junk, () => undefined)).not.toThrow()
    }
    const junkChildren = { root: { type: 'root', children: [null, 3, { type: 'text', text: 'ok' }] } }
    const types: string[] = []
    walkLexical(junkChildren, (n) => void types.push(n.type))
    expect(types).toEqual(['root', 'text'])
  })
})

describe('headingsOf', () => {
  it('lists h2-h4 with levels, text and de-duplicated ids', () => {
    const doc = state(
      h('h2', text('Warm '), text('up', 1)),
      p(text('body')),
      h('h3', text('Drills'), cite(1)),
      h('h2', text('Warm up')),
      h('h4', text('Warm up')),
      h('h1', text('Ignored')),
      h('h5', text('Ignored too')),
      h('h3', text('   ')),
      h('h2', text('!!!')),
    )
    expect(headingsOf(doc)).toEqual([
      { level: 2, text: 'Warm up', id: 'warm-up' },
      { level: 3, text: 'Drills', id: 'drills' },
      { level: 2, text: 'Warm up', id: 'warm-up-2' },
      { level: 4, text: 'Warm up', id: 'warm-up-3' },
      { level: 2, text: '!!!', id: 'section' },
    ])
  })

  it('does not collide with a heading whose own slug looks like a suffix', () => {
    const ids = headingsOf(state(h('h2', text('Pain')), h('h2', text('Pain 2')), h('h2', text('Pain')))).map((x) => x.id)
    expect(ids).toEqual(['pain', 'pain-2', 'pain-3'])
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('plainTextOf', () => {
  it('puts blocks on their own lines and leaves out citations and blocks', () => {
    const doc = state(
      h('h2', text('Title')),
      p(text('Run '), text('easy', 1), cite(3), text('.'), { type: 'linebreak' }, text('Then rest.')),
      { type: 'block', fields: { blockType: 'needsContent', note: 'SECRET NOTE' } },
      {
        type: 'list',
        children: [
          { type: 'listitem', children: [text('one')] },
          { type: 'listitem', children: [text('two')] },
        ],
      },
    )
    expect(plainTextOf(doc)).toBe('Title\nRun easy.\nThen rest.\none\ntwo')
    expect(plainTextOf(null)).toBe('')
  })
})

describe('readingMinutes', () => {
  it('rounds up at 220 wpm with a minimum of 1', () => {
    expect(readingMinutes('')).toBe(1)
    expect(readingMinutes('word '.repeat(220))).toBe(1)
    expect(readingMinutes('word '.repeat(221))).toBe(2)
    expect(readingMinutes('word '.repeat(1000), 100)).toBe(10)
  })
})

describe('sourceIdOf', () => {
  it('normalises ids, populated objects and nothing', () => {
    expect(sourceIdOf(12)).toBe('12')
    expect(sourceIdOf('12')).toBe('12')
    expect(sourceIdOf(' abc ')).toBe('abc')
    expect(sourceIdOf({ id: 12, title: 'x' })).toBe('12')
    expect(sourceIdOf({ id: 'a1' })).toBe('a1')
    for (const none of [null, undefined, '', NaN, {}, { id: null }, [], true]) {
      expect(sourceIdOf(none)).toBeNull()
    }
  })
})

describe('hasPlaceholders', () => {
  it('finds needsContent blocks anywhere, ignoring other blocks', () => {
    const placeholder = { type: 'block', fields: { blockType: 'needsContent', note: 'Add drills' } }
    expect(hasPlaceholders(state(p(text('done'))))).toBe(false)
    expect(hasPlaceholders(state({ type: 'block', fields: { blockType: 'callout' } }))).toBe(false)
    expect(hasPlaceholders(state(p(text('a')), placeholder))).toBe(true)
    expect(hasPlaceholders(state({ type: 'list', children: [{ type: 'listitem', children: [placeholder] }] }))).toBe(true)
    expect(placeholderNotesOf(state(placeholder, placeholder))).toEqual(['Add drills', 'Add drills'])
    expect(hasPlaceholders(null)).toBe(false)
  })
})
