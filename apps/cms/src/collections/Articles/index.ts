import type { CollectionConfig } from 'payload'
import { admins, editors, nobodyField, publishedOrStaff, staff } from '../../access'
import { bodyEditor, plainEditor } from '../../editor'
import { slugField } from '../../fields/slug'

/**
 * Guides. Drafts and autosave come from Payload's versions; what readers see is only ever
 * the published version. The review fields are written by server code, never by a form.
 */
export const Articles: CollectionConfig = {
  slug: 'articles',
  labels: { singular: 'Guide', plural: 'Guides' },
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', 'slug', '_status', 'lastReviewedAt', 'updatedAt'],
  },
  access: {
    read: publishedOrStaff,
    readVersions: staff,
    create: editors,
    update: editors,
    delete: admins,
  },
  versions: {
    drafts: { autosave: { interval: 1500 } },
    maxPerDoc: 200,
  },
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200 },
    slugField('title'),
    {
      name: 'summary',
      label: 'Summary (dek)',
      type: 'textarea',
      required: true,
      maxLength: 400,
      admin: { description: 'One or two sentences shown in lists and to search engines.' },
    },
    {
      name: 'byline',
      type: 'text',
      required: true,
      defaultValue: 'Runsense',
      admin: { position: 'sidebar' },
    },
    { name: 'body', type: 'richText', required: true, editor: bodyEditor },
    {
      name: 'disclaimer',
      label: 'Medical disclaimer',
      type: 'textarea',
      required: true,
      defaultValue:
        'This is general education, not medical advice, and not a substitute for the plan a clinician gives you for a diagnosed injury.',
    },
    {
      name: 'safety',
      label: 'Safety section',
      type: 'richText',
      required: true,
      editor: plainEditor,
    },
    {
      type: 'collapsible',
      label: 'Medical review (set by the review workflow)',
      admin: { position: 'sidebar' },
      fields: [
        {
          name: 'reviewer',
          type: 'relationship',
          relationTo: 'reviewers',
          admin: { readOnly: true },
          access: { create: nobodyField, update: nobodyField },
        },
        {
          name: 'lastReviewedAt',
          label: 'Last reviewed',
          type: 'date',
          admin: { readOnly: true, date: { pickerAppearance: 'dayOnly' } },
          access: { create: nobodyField, update: nobodyField },
        },
      ],
    },
  ],
}
