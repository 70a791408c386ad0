/** Tiny builders for Lexical JSON, so seed content reads like the text it came from. */

type Node = Record<string, unknown>

const ITALIC = 2

/** Text with *emphasis* markers turned into italic runs. */
export const textRuns = (text: string): Node[] =>
  text
    .split(/(\*[^*]+\*)/)
    .filter(Boolean)
    .map((part) => {
      const italic = part.startsWith('*') && part.endsWith('*')
      return {
        type: 'text',
        text: italic ? part.slice(1, -1) : part,
        format: italic ? ITALIC : 0,
        detail: 0,
        mode: 'normal',
        style: '',
        version: 1,
      }
    })

const element = (type: string, children: Node[], extra: Node = {}): Node => ({
  type,
  children,
  direction: 'ltr',
  format: '',
  indent: 0,
  version: 1,
  ...extra,
})

export const paragraph = (children: Node[]) => element('paragraph', children, { textFormat: 0, textStyle: '' })
export const heading = (tag: 'h2' | 'h3', text: string) => element('heading', textRuns(text), { tag })
export const citation = (sourceId: number | string) => ({
  type: 'inlineBlock',
  version: 1,
  fields: { blockType: 'citation', blockName: '', source: sourceId },
})
export const block = (fields: Node) => ({ type: 'block', version: 2, format: '', fields: { blockName: '', ...fields } })
export const root = (children: Node[]) => ({ root: element('root', children) })
