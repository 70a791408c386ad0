/**
 * What changed in the reviewed content since the sign-off, as readable text: each section
 * (every signed field: title, address, byline, search title and description, review interval,
 * summary, body blocks, disclaimer, Safety) compared word by word.
 */
import { diffWords } from 'diff'
import { numberCitations } from '@runsense/domain/citations'
import type { ContentHashInput } from '@runsense/domain/content-hash'
import { sourceIdOf, walkLexical } from '@runsense/domain/lexical'

/** The signed fields, as the content hash reads them. */
type Content = ContentHashInput
export type SectionDiff = { section: string; parts: { text: string; change: 'added' | 'removed' | 'same' }[] }

type Node = { type?: string; text?: unknown; children?: Node[]; fields?: Record<string, unknown> }

/** The words of an inline run: text, citations as their reader number, links with their target. */
function inlineText(nodes: Node[] | undefined, numberOf: (id: string) => number | undefined): string {
  let out = ''
  for (const n of nodes ?? []) {
    if (n.type === 'text') out += String(n.text ?? '')
    else if (n.type === 'linebreak') out += '\n'
    else if (n.type === 'inlineBlock') {
      const id = sourceIdOf(n.fields?.source)
      out += ` [${(id && numberOf(id)) ?? '?'}]`
    } else if (n.type === 'link' || n.type === 'autolink') {
      // A link's target is part of what the reviewer signs: show it beside the words.
      out += `${inlineText(n.children, numberOf)} <${String(n.fields?.url ?? '')}>`
    } else out += inlineText(n.children, numberOf)
  }
  return out
}

/** A rich text field as paragraphs of text (headings marked with "## "; citations as [n]; links with their URL). */
function paragraphs(state: unknown): string {
  const { numberOf } = numberCitations(state)
  const out: string[] = []
  walkLexical(state, (node) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listitem') {
      const text = inlineText(node.children as Node[], numberOf)
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

export function contentDiff(signed: Content, current: Content): SectionDiff[] {
  const sections: [string, string, string][] = [
    ['Title', signed.title ?? '', current.title ?? ''],
    ['Address', signed.slug ?? '', current.slug ?? ''],
    ['Byline', signed.byline ?? '', current.byline ?? ''],
    ['Search title', signed.meta?.title ?? '', current.meta?.title ?? ''],
    ['Search description', signed.meta?.description ?? '', current.meta?.description ?? ''],
    ['Review again after (months)', String(signed.reviewIntervalMonths ?? ''), String(current.reviewIntervalMonths ?? '')],
    ['Summary', signed.summary ?? '', current.summary ?? ''],
    ['Body', paragraphs(signed.body), paragraphs(current.body)],
    ['Disclaimer', signed.disclaimer ?? '', current.disclaimer ?? ''],
    ['Safety', paragraphs(signed.safety), paragraphs(current.safety)],
  ]
  return sections
    .filter(([, a, b]) => a !== b)
    .map(([section, a, b]) => ({
      section,
      parts: diffWords(a, b).map((p) => ({ text: p.value, change: p.added ? 'added' : p.removed ? 'removed' : 'same' })),
    }))
}
