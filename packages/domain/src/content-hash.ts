/**
 * A stable fingerprint of everything a reader sees in a guide, used to tell
 * whether a medical review still applies to the current content.
 */
import { createHash } from 'node:crypto'

import { citedSourceIds } from './citations'
import { CITATION_BLOCK, sourceIdOf, type LexicalInput } from './lexical'
import { citationData, type SourceData } from './sources'

export interface ContentHashInput {
  title?: string | null
  slug?: string | null
  summary?: string | null
  byline?: string | null
  /** The search-engine title and description (page <title>, meta description, Open Graph, Twitter). */
  meta?: { title?: string | null; description?: string | null } | null
  /** Sets the public "next review due" date. */
  reviewIntervalMonths?: number | null
  body?: LexicalInput | unknown
  disclaimer?: string | null
  safety?: LexicalInput | unknown
  /** Candidate sources; only those cited in `body` are hashed, in citation order. */
  sources?: readonly SourceData[] | null
}

/**
 * Bump when the hashed shape changes, so that old and new hashes never collide.
 * 1: title, summary, body, disclaimer, Safety, cited sources.
 * 2: also byline, slug, search title and description, review interval (every reader-visible
 *    field of the guide; see signed-content.ts for what is deliberately outside).
 */
export const CONTENT_HASH_VERSION = 2

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * JSON with object keys sorted (by code unit) and no whitespace. Like
 * JSON.stringify, undefined/function/symbol properties are dropped and become
 * null inside arrays; non-finite numbers become null. Throws on cycles.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>()
  const encode = (v: unknown, inArray: boolean): string | undefined => {
    if (v === null) return 'null'
    if (isPlainObject(v) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON()
    }
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v)
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : 'null'
      case 'boolean':
        return v ? 'true' : 'false'
      case 'bigint':
        return JSON.stringify(v.toString())
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? 'null' : undefined
    }
    if (v === null) return 'null'
    const obj = v as object
    if (seen.has(obj)) throw new TypeError('canonicalJson: cyclic structure')
    seen.add(obj)
    let out: string
    if (Array.isArray(obj)) {
      out = `[${obj.map((item) => encode(item, true)).join(',')}]`
    } else {
      const record = obj as Record<string, unknown>
      const parts: string[] = []
      for (const key of Object.keys(record).sort()) {
        const encoded = encode(record[key], false)
        if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`)
      }
      out = `{${parts.join(',')}}`
    }
    seen.delete(obj)
    return out
  }
  return encode(value, true) ?? 'null'
}

/**
 * A copy of a Lexical state with editor-only noise removed: block / inlineBlock
 * `fields.id` is dropped and citation sources become their id string (or null),
 * so that depth-0 and populated documents normalise identically.
 */
export function normaliseLexicalForHash(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseLexicalForHash)
  if (!isPlainObject(value)) return value
  const isBlock = value.type === 'block' || value.type === 'inlineBlock'
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    if (isBlock && key === 'fields' && isPlainObject(child)) {
      const fields: Record<string, unknown> = {}
      for (const [fk, fv] of Object.entries(child)) {
        if (fk === 'id') continue
        fields[fk] = fk === 'source' && child.blockType === CITATION_BLOCK ? sourceIdOf(fv) : normaliseLexicalForHash(fv)
      }
      out[key] = fields
    } else {
      out[key] = normaliseLexicalForHash(child)
    }
  }
  return out
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : ''
}

/** The canonical document that contentHash hashes (exported for debugging). */
export function contentHashDocument(input: ContentHashInput): unknown {
  const byId = new Map<string, SourceData>()
  for (const s of input.sources ?? []) {
    const id = sourceIdOf(s?.id)
    if (id !== null && !byId.has(id)) byId.set(id, s)
  }
  const cited = citedSourceIds(input.body)
  const interval = input.reviewIntervalMonths
  return {
    v: CONTENT_HASH_VERSION,
    title: text(input.title),
    slug: text(input.slug),
    summary: text(input.summary),
    byline: text(input.byline),
    metaTitle: text(input.meta?.title),
    metaDescription: text(input.meta?.description),
    reviewIntervalMonths: typeof interval === 'number' && Number.isFinite(interval) ? interval : null,
    disclaimer: text(input.disclaimer),
    body: normaliseLexicalForHash(input.body ?? null),
    safety: normaliseLexicalForHash(input.safety ?? null),
    sources: cited.map((id) => {
      const s = byId.get(id)
      return s ? citationData(s) : null
    }),
  }
}

/** Hex SHA-256 of the canonical JSON of the reader-visible content. */
export function contentHash(input: ContentHashInput): string {
  return createHash('sha256')
    .update(canonicalJson(contentHashDocument(input)), 'utf8')
    .digest('hex')
}
