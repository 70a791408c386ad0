import type { Block } from 'payload'
import type { RichTextPolicy } from '@runsense/domain/rich-text-policy'
import { BlocksFeature, FixedToolbarFeature, HeadingFeature, lexicalEditor } from '@payloadcms/richtext-lexical'

/** An inline citation: a node in the text pointing at a Source. The site numbers them. */
export const CitationBlock: Block = {
  slug: 'citation',
  interfaceName: 'CitationBlock',
  labels: { singular: 'Citation', plural: 'Citations' },
  // "[1] Gabbett 2016" in the editor, with the full source on hover and focus.
  admin: { components: { Label: '/components/CitationChip#CitationChip' } },
  fields: [{ name: 'source', type: 'relationship', relationTo: 'sources', required: true }],
}

/** Marks a section that still needs writing. Readers see nothing of it; editors see the note. */
export const NeedsContentBlock: Block = {
  slug: 'needsContent',
  interfaceName: 'NeedsContentBlock',
  labels: { singular: 'Needs content', plural: 'Needs content' },
  fields: [{ name: 'note', type: 'textarea', required: true }],
}

const withoutMediaOrLinksToDocs = <F extends { key: string }>(features: F[]): F[] => features.filter((f) => !['upload', 'relationship', 'heading'].includes(f.key))

/**
 * What each editor below can make, checked on the server for every save (REST and GraphQL take
 * raw Lexical JSON). Keep each policy beside its editor: they describe the same thing.
 */
export const BODY_POLICY: RichTextPolicy = { headings: ['h2', 'h3', 'h4'], blocks: [NeedsContentBlock.slug], inlineBlocks: [CitationBlock.slug] }
export const SAFETY_POLICY: RichTextPolicy = { headings: [], blocks: [], inlineBlocks: [] }

/** The guide body: headings h2–h4, text, lists, links, inline citations and placeholders. */
export const bodyEditor = lexicalEditor({
  features: ({ defaultFeatures }) => [
    ...withoutMediaOrLinksToDocs(defaultFeatures),
    HeadingFeature({ enabledHeadingSizes: BODY_POLICY.headings as ('h2' | 'h3' | 'h4')[] }),
    BlocksFeature({ blocks: [NeedsContentBlock], inlineBlocks: [CitationBlock] }),
    FixedToolbarFeature(),
  ],
})

/** Plain rich text (Safety section): no headings, no citations. */
export const plainEditor = lexicalEditor({
  features: ({ defaultFeatures }) => withoutMediaOrLinksToDocs(defaultFeatures),
})
