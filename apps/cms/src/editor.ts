import type { Block } from 'payload'
import {
  BlocksFeature,
  FixedToolbarFeature,
  HeadingFeature,
  lexicalEditor,
} from '@payloadcms/richtext-lexical'

/** An inline citation: a node in the text pointing at a Source. The site numbers them. */
export const CitationBlock: Block = {
  slug: 'citation',
  interfaceName: 'CitationBlock',
  labels: { singular: 'Citation', plural: 'Citations' },
  fields: [{ name: 'source', type: 'relationship', relationTo: 'sources', required: true }],
}

/** Marks a section that still needs writing. Readers see nothing of it; editors see the note. */
export const NeedsContentBlock: Block = {
  slug: 'needsContent',
  interfaceName: 'NeedsContentBlock',
  labels: { singular: 'Needs content', plural: 'Needs content' },
  fields: [{ name: 'note', type: 'textarea', required: true }],
}

const withoutMediaOrLinksToDocs = <F extends { key: string }>(features: F[]): F[] =>
  features.filter((f) => !['upload', 'relationship', 'heading'].includes(f.key))

/** The guide body: headings h2–h4, text, lists, links, inline citations and placeholders. */
export const bodyEditor = lexicalEditor({
  features: ({ defaultFeatures }) => [
    ...withoutMediaOrLinksToDocs(defaultFeatures),
    HeadingFeature({ enabledHeadingSizes: ['h2', 'h3', 'h4'] }),
    BlocksFeature({ blocks: [NeedsContentBlock], inlineBlocks: [CitationBlock] }),
    FixedToolbarFeature(),
  ],
})

/** Plain rich text (Safety section): no headings, no citations. */
export const plainEditor = lexicalEditor({
  features: ({ defaultFeatures }) => withoutMediaOrLinksToDocs(defaultFeatures),
})
