import type { SerializedEditorState } from '@payloadcms/richtext-lexical/lexical'
import { type JSXConvertersFunction, RichText } from '@payloadcms/richtext-lexical/react'
import { headingsOf, sourceIdOf } from '@runsense/domain/lexical'

type Props = {
  data: unknown
  /** Citation number for a source id (from numberCitations). */
  citationNumber?: (sourceId: string) => number | undefined
}

/**
 * Renders a guide's Lexical body: headings get stable anchors (the same ids the table of
 * contents uses), citations become superscript links to the Sources list, and editor-only
 * "needs content" markers render nothing.
 */
export function RichBody({ data, citationNumber }: Props) {
  const headingIds = headingsOf(data).map((h) => h.id)
  let headingIndex = 0
  const converters: JSXConvertersFunction = ({ defaultConverters }) => ({
    ...defaultConverters,
    heading: ({ node, nodesToJSX }) => {
      const Tag = (['h2', 'h3', 'h4'].includes(node.tag) ? node.tag : 'h2') as 'h2' | 'h3' | 'h4'
      return <Tag id={headingIds[headingIndex++]}>{nodesToJSX({ nodes: node.children })}</Tag>
    },
    blocks: { needsContent: () => null },
    inlineBlocks: {
      citation: ({ node }: { node: { fields: { source?: unknown } } }) => {
        const id = sourceIdOf(node.fields.source)
        const n = id ? citationNumber?.(id) : undefined
        if (!n) return null
        return (
          <sup className="cite">
            <a href={`#source-${n}`} aria-label={`Source ${n}`}>
              {n}
            </a>
          </sup>
        )
      },
    },
  })
  return <RichText data={data as SerializedEditorState} converters={converters} className="prose" />
}
