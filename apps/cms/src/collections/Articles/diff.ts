/**
 * What changed in the reviewed content since the sign-off, as readable text: each section
 * (every signed field: title, address, byline, search title and description, review interval,
 * summary, body blocks, disclaimer, Safety) compared word by word. A citation reads as its reader
 * number and its source ("[1: Gabbett 2016]"): the number alone stays the same when a citation
 * is pointed at another source. The cited sources' own details (the reader's Sources list), when
 * the sign-off kept them, are compared too: a source edited since the sign-off shows what changed.
 */
import { diffWords } from 'diff'
import { numberCitations } from '@runsense/domain/citations'
import type { ContentHashInput } from '@runsense/domain/content-hash'
import { sourceIdOf, walkLexical } from '@runsense/domain/lexical'
import { formatSource, type SourceData } from '@runsense/domain/sources'

/** The signed fields, as the content hash reads them. */
type Content = ContentHashInput
export type SectionDiff = { section: string; parts: { text: string; change: 'added' | 'removed' | 'same' }[] }

type Node = { type?: string; text?: unknown; children?: Node[]; fields?: Record<string, unknown> }

/** A cited source's short name ("Gabbett 2016") by its id, when known. */
export type SourceNamer = (id: string) => string | undefined

/** The words of an inline run: text, citations as their reader number and source, links with their target. */
function inlineText(nodes: Node[] | undefined, numberOf: (id: string) => number | undefined, nameOf: SourceNamer): string {
  let out = ''
  for (const n of nodes ?? []) {
    if (n.type === 'text') out += String(n.text ?? '')
    else if (n.type === 'linebreak') out += '\n'
    else if (n.type === 'inlineBlock') {
      const id = sourceIdOf(n.fields?.source)
      const name = id ? nameOf(id) : undefined
      out += ` [${(id && numberOf(id)) ?? '?'}${name ? `: ${name}` : ''}]`
    } else if (n.type === 'link' || n.type === 'autolink') {
      // A link's target is part of what the reviewer signs: show it beside the words.
      out += `${inlineText(n.children, numberOf, nameOf)} <${String(n.fields?.url ?? '')}>`
    } else out += inlineText(n.children, numberOf, nameOf)
  }
  return out
}

/** A rich text field as paragraphs of text (headings marked with "## "; citations as [n: source]; links with their URL). */
function paragraphs(state: unknown, nameOf: SourceNamer): string {
  const { numberOf } = numberCitations(state)
  const out: string[] = []
  walkLexical(state, (node) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listitem') {
      const text = inlineText(node.children as Node[], numberOf, nameOf)
      out.push(node.type === 'heading' ? `## ${text}` : text)
      return false
    }
    if (node.type === 'block') {
      out.push(`[needs content: ${String((node.fields as { note?: string })?.note ?? '')}]`)
      return false
    }
  })
  return out.join('\n\n')
}

/** The Sources list a body cites, one paragraph each in citation order, as readers read it ("[1] Gabbett TJ. …", retractions and notes included). */
function sourceLines(body: unknown, sources: readonly (SourceData & { id?: unknown })[]): string {
  const byId = new Map(sources.map((s) => [String(s.id), s]))
  const { numberOf, order } = numberCitations(body)
  return order
    .map((id) => {
      const s = byId.get(id)
      if (!s) return `[${numberOf(id)}] (missing source)`
      return `[${numberOf(id)}] ${formatSource(s)}${s.retracted ? ' [RETRACTED]' : ''}${s.note?.trim() ? ` Note: ${s.note.trim()}` : ''}`
    })
    .join('\n\n')
}

export function contentDiff(
  signed: Content,
  current: Content,
  nameOf: SourceNamer = () => undefined,
  sources?: { signed: readonly SourceData[]; current: readonly SourceData[] } | null,
): SectionDiff[] {
  const sections: [string, string, string][] = [
    ['Title', signed.title ?? '', current.title ?? ''],
    ['Address', signed.slug ?? '', current.slug ?? ''],
    ['Byline', signed.byline ?? '', current.byline ?? ''],
    ['Search title', signed.meta?.title ?? '', current.meta?.title ?? ''],
    ['Search description', signed.meta?.description ?? '', current.meta?.description ?? ''],
    ['Review again after (months)', String(signed.reviewIntervalMonths ?? ''), String(current.reviewIntervalMonths ?? '')],
    ['Summary', signed.summary ?? '', current.summary ?? ''],
    ['Body', paragraphs(signed.body, nameOf), paragraphs(current.body, nameOf)],
    ['Disclaimer', signed.disclaimer ?? '', current.disclaimer ?? ''],
    ['Safety', paragraphs(signed.safety, nameOf), paragraphs(current.safety, nameOf)],
  ]
  if (sources) sections.push(['Sources', sourceLines(signed.body, sources.signed), sourceLines(current.body, sources.current)])
  return sections
    .filter(([, a, b]) => a !== b)
    .map(([section, a, b]) => ({
      section,
      parts: diffWords(a, b).map((p) => ({ text: p.value, change: p.added ? 'added' : p.removed ? 'removed' : 'same' })),
    }))
}
