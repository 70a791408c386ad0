/**
 * Helpers over Payload richtext-lexical JSON. Pure: no runtime imports.
 *
 * The types are deliberately loose so that Payload's generated types (and
 * plain JSON from the database) can be passed in without casts.
 */
import { slugify } from './slug'

export interface LexicalNode {
  type: string
  children?: LexicalNode[]
  [key: string]: unknown
}

export interface LexicalState {
  root: LexicalNode
  [key: string]: unknown
}

/** A Lexical editor state, its root node, or nothing. */
export type LexicalInput = LexicalState | LexicalNode | null | undefined

export interface HeadingEntry {
  level: 2 | 3 | 4
  text: string
  /** Anchor id: slugified text, de-duplicated with -2, -3, ... */
  id: string
}

/**
 * Return `false` from the visitor to skip the node's children.
 */
export type LexicalVisitor = (node: LexicalNode, parent: LexicalNode | null, depth: number) => void | boolean

export const CITATION_BLOCK = 'citation'
export const PLACEHOLDER_BLOCK = 'needsContent'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function isLexicalNode(v: unknown): v is LexicalNode {
  return isObject(v) && typeof v.type === 'string'
}

/** The root node of a state (or the node itself if a node was passed). */
export function rootOf(input: unknown): LexicalNode | null {
  if (!isObject(input)) return null
  if (isLexicalNode(input.root)) return input.root
  return isLexicalNode(input) ? input : null
}

function childrenOf(node: LexicalNode): LexicalNode[] {
  return Array.isArray(node.children) ? node.children.filter(isLexicalNode) : []
}

/**
 * Visits every node in document order (depth-first, pre-order), starting with
 * the root node itself (depth 0). Malformed nodes are skipped, never thrown on.
 */
export function walkLexical(input: LexicalInput | unknown, visit: LexicalVisitor): void {
  const root = rootOf(input)
  if (!root) return
  // Iterative so that pathological nesting cannot overflow the stack.
  const stack: { node: LexicalNode; parent: LexicalNode | null; depth: number }[] = [{ node: root, parent: null, depth: 0 }]
  while (stack.length > 0) {
    const { node, parent, depth } = stack.pop()!
    if (visit(node, parent, depth) === false) continue
    const children = childrenOf(node)
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ node: children[i]!, parent: node, depth: depth + 1 })
    }
  }
}

/** The `fields` of a block / inlineBlock node with the given blockType, else null. */
export function blockFieldsOf(node: LexicalNode, blockType?: string): (Record<string, unknown> & { blockType: string }) | null {
  if (node.type !== 'block' && node.type !== 'inlineBlock') return null
  const fields = node.fields
  if (!isObject(fields) || typeof fields.blockType !== 'string') return null
  if (blockType !== undefined && fields.blockType !== blockType) return null
  return fields as Record<string, unknown> & { blockType: string }
}

/** An inline citation: `{ type: 'inlineBlock', fields: { blockType: 'citation', source } }`. */
export function isCitationNode(node: LexicalNode): boolean {
  return node.type === 'inlineBlock' && blockFieldsOf(node, CITATION_BLOCK) !== null
}

/** An editorial placeholder: `{ type: 'block', fields: { blockType: 'needsContent', note } }`. */
export function isPlaceholderNode(node: LexicalNode): boolean {
  return node.type === 'block' && blockFieldsOf(node, PLACEHOLDER_BLOCK) !== null
}

/**
 * Normalises a relationship value to the related document's id as a string:
 * `12`, `'12'` and `{ id: 12, ... }` all give `'12'`; null, '', NaN or an
 * object without an id give null.
 */
export function sourceIdOf(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : null
  }
  if (typeof value === 'string') {
    const id = value.trim()
    return id === '' ? null : id
  }
  if (isObject(value) && 'id' in value) {
    const id = value.id
    return typeof id === 'number' || typeof id === 'string' ? sourceIdOf(id) : null
  }
  return null
}

/** Text of a node's inline content (text, links, line breaks); citations and blocks contribute nothing. */
function inlineTextOf(node: LexicalNode): string {
  let out = ''
  walkLexical(node, (n) => {
    if (n.type === 'text' && typeof n.text === 'string') out += n.text
    else if (n.type === 'linebreak' || n.type === 'tab') out += ' '
    else if (n.type === 'block' || n.type === 'inlineBlock') return false
    return true
  })
  return out.replace(/\s+/g, ' ').trim()
}

const HEADING_LEVELS: Record<string, 2 | 3 | 4> = { h2: 2, h3: 3, h4: 4 }

/**
 * The h2-h4 headings in document order, with unique anchor ids. Empty headings
 * are skipped. An id that would be empty becomes 'section'.
 */
export function headingsOf(state: LexicalInput | unknown): HeadingEntry[] {
  const headings: HeadingEntry[] = []
  const used = new Set<string>()
  walkLexical(state, (node) => {
    if (node.type !== 'heading') return true
    const level = typeof node.tag === 'string' ? HEADING_LEVELS[node.tag] : undefined
    if (level === undefined) return false
    const text = inlineTextOf(node)
    if (text === '') return false
    const base = slugify(text) || 'section'
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`
    used.add(id)
    headings.push({ level, text, id })
    return false
  })
  return headings
}

const INLINE_TYPES = new Set(['text', 'link', 'autolink', 'linebreak', 'tab', 'inlineBlock'])

/**
 * Plain text of a document: block-level elements (paragraphs, headings, list
 * items, quotes...) on their own lines, inline whitespace collapsed. Citations
 * and blocks (e.g. placeholders) are not part of the text.
 */
export function plainTextOf(state: LexicalInput | unknown): string {
  const root = rootOf(state)
  if (!root) return ''
  const lines: string[] = []
  let current = ''
  const flush = () => {
    const line = current
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ ?\n ?/g, '\n')
      .trim()
    if (line !== '') lines.push(line)
    current = ''
  }
  const visit = (node: LexicalNode): void => {
    if (node.type === 'text') {
      if (typeof node.text === 'string') current += node.text
      return
    }
    if (node.type === 'linebreak') {
      current += '\n'
      return
    }
    if (node.type === 'tab') {
      current += ' '
      return
    }
    if (node.type === 'block' || node.type === 'inlineBlock') return
    const isBlockLevel = !INLINE_TYPES.has(node.type)
    if (isBlockLevel) flush()
    for (const child of childrenOf(node)) visit(child)
    if (isBlockLevel) flush()
  }
  // Recursion depth is bounded by document nesting, which Lexical keeps shallow.
  visit(root)
  return lines.join('\n')
}

/** Estimated reading time in whole minutes (at least 1). */
export function readingMinutes(text: string, wpm = 220): number {
  const words = typeof text === 'string' ? text.split(/\s+/).filter((w) => w !== '').length : 0
  const rate = Number.isFinite(wpm) && wpm > 0 ? wpm : 220
  return Math.max(1, Math.ceil(words / rate))
}

/** True when the document still contains at least one "needs content" placeholder. */
export function hasPlaceholders(state: LexicalInput | unknown): boolean {
  return placeholderNotesOf(state).length > 0
}

/** The notes of all "needs content" placeholders, in document order. */
export function placeholderNotesOf(state: LexicalInput | unknown): string[] {
  const notes: string[] = []
  walkLexical(state, (node) => {
    if (isPlaceholderNode(node)) {
      const note = blockFieldsOf(node)?.note
      notes.push(typeof note === 'string' ? note : '')
    }
  })
  return notes
}
