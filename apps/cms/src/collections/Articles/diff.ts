/**
 * What changed in the reviewed content since the sign-off, as readable text: each section
 * (title, summary, body blocks, disclaimer, Safety) compared word by word.
 */
import { diffWords } from 'diff'
import { walkLexical } from '@runsense/domain/lexical'

type Content = { title?: string | null; summary?: string | null; body?: unknown; disclaimer?: string | null; safety?: unknown }
export type SectionDiff = { section: string; parts: { text: string; change: 'added' | 'removed' | 'same' }[] }

/** A rich text field as paragraphs of text (headings marked with "## "; citations as [n]). */
function paragraphs(state: unknown): string {
  const out: string[] = []
  walkLexical(state, (node) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listitem') {
      let text = ''
      walkLexical({ root: { type: 'root', children: node.children ?? [] } }, (n) => {
        if (n.type === 'text') text += String(n.text ?? '')
        if (n.type === 'inlineBlock') text += `[source ${String((n.fields as { source?: unknown })?.source && typeof (n.fields as { source?: unknown }).source === 'object' ? ((n.fields as { source: { id: unknown } }).source.id) : (n.fields as { source?: unknown })?.source)}]`
      })
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
