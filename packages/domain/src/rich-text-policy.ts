/**
 * What a guide's rich text may contain: the node types and fields our editor offers, and nothing
 * else. The admin's editor cannot make anything outside this, but REST and GraphQL take raw
 * Lexical JSON, so the CMS checks every saved body and Safety section against it (an `upload`
 * node or a `data:` link sent by hand would otherwise reach readers). Pure: no runtime imports.
 */

export interface RichTextPolicy {
  /** Heading tags the editor offers (empty: no headings). */
  headings: readonly string[]
  /** Block types (`type: "block"`). */
  blocks: readonly string[]
  /** Inline block types (`type: "inlineBlock"`). */
  inlineBlocks: readonly string[]
}

/** Node types every rich text field of ours may hold (Payload's default features minus uploads and relationships). */
const BASE_NODES = new Set(['root', 'paragraph', 'text', 'linebreak', 'tab', 'list', 'listitem', 'quote', 'link', 'autolink', 'horizontalrule'])
const LIST_TYPES = new Set(['bullet', 'number', 'check'])
const MAX_DEPTH = 40
const MAX_NODES = 50_000

/**
 * Link targets readers may be sent to: web pages (http, https), email (mailto) and the site's own
 * paths ("/guides/…"). Everything else (javascript:, data:, protocol-relative "//host", file:) is refused.
 */
export function isAllowedLinkUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false
  const u = url.trim()
  // Browsers read a backslash as a slash ("/\\evil" is "//evil", another host).
  if (u !== url || u === '' || /[\s\u0000-\u001f\\]/.test(u)) return false
  if (/^\/(?!\/)/.test(u)) return true
  if (/^mailto:[^/]/i.test(u)) return true
  if (!/^https?:\/\//i.test(u)) return false
  try {
    const parsed = new URL(u)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== ''
  } catch {
    return false
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The problems with a rich text value, as sentences an editor can act on (empty when it is fine).
 * `label` names the field ("The body", "The Safety section"). Stops after a few problems.
 */
export function richTextProblems(value: unknown, policy: RichTextPolicy, label: string): string[] {
  if (value === null || value === undefined) return []
  if (!isObject(value) || !isObject(value.root) || value.root.type !== 'root') {
    return [`${label} is not rich text from our editor (expected a Lexical document with a root node).`]
  }
  const problems = new Set<string>()
  let count = 0
  const stack: { node: unknown; depth: number }[] = [{ node: value.root, depth: 0 }]
  while (stack.length && problems.size < 5) {
    const { node, depth } = stack.pop()!
    if (++count > MAX_NODES) {
      problems.add(`${label} is too large (more than ${MAX_NODES} elements).`)
      break
    }
    if (depth > MAX_DEPTH) {
      problems.add(`${label} is nested too deeply (more than ${MAX_DEPTH} levels).`)
      break
    }
    if (!isObject(node) || typeof node.type !== 'string') {
      problems.add(`${label} contains an element without a type.`)
      continue
    }
    const type = node.type
    const fields = isObject(node.fields) ? node.fields : {}
    if (type === 'root' && depth > 0) problems.add(`${label} contains a second root.`)
    else if (type === 'heading') {
      if (!policy.headings.includes(String(node.tag))) {
        problems.add(
          policy.headings.length
            ? `${label} may use headings ${policy.headings.join(', ')} only (found "${String(node.tag).slice(0, 10)}").`
            : `${label} may not contain headings.`,
        )
      }
    } else if (type === 'block') {
      if (!policy.blocks.includes(String(fields.blockType))) problems.add(`${label} contains a block our editor does not offer ("${String(fields.blockType).slice(0, 40)}").`)
    } else if (type === 'inlineBlock') {
      if (!policy.inlineBlocks.includes(String(fields.blockType)))
        problems.add(`${label} contains an inline element our editor does not offer ("${String(fields.blockType).slice(0, 40)}").`)
    } else if (!BASE_NODES.has(type)) {
      problems.add(`${label} contains "${type.slice(0, 40)}", which our editor does not offer (no images, uploads or embedded documents).`)
    } else if (type === 'text' && typeof node.text !== 'string') {
      problems.add(`${label} contains a text element without text.`)
    } else if (type === 'list' && !LIST_TYPES.has(String(node.listType))) {
      problems.add(`${label} contains a list of an unknown kind.`)
    } else if (type === 'link' || type === 'autolink') {
      if (fields.linkType !== undefined && fields.linkType !== 'custom') {
        problems.add(`${label} links to a CMS document; link to its public address ("/guides/…") instead.`)
      } else if (!isAllowedLinkUrl(fields.url)) {
        problems.add(`${label} has a link to "${String(fields.url ?? '').slice(0, 60)}": links must start with http://, https://, mailto: or / (our own pages).`)
      }
    }
    if (node.children !== undefined) {
      if (!Array.isArray(node.children)) problems.add(`${label} contains an element whose children are not a list.`)
      else for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], depth: depth + 1 })
    }
  }
  return [...problems]
}
