import type { CollectionConfig } from 'payload'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { admins, anyone, editors } from '../../access'
import { revalidateOnChange, revalidateOnDelete } from '../../lib/revalidateHooks'
import { slugField } from '../../fields/slug'

/** Topics group guides for readers (/topics/[slug]) and relate guides to each other. */
export const Topics: CollectionConfig = {
  slug: 'topics',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'slug'] },
  access: { read: anyone, create: editors, update: editors, delete: admins },
  hooks: {
    afterChange: [revalidateOnChange((doc, prev) => tagsForChange({ kind: 'topic', slugs: [doc.slug as string, prev?.slug as string] }))],
    afterDelete: [revalidateOnDelete((doc) => tagsForChange({ kind: 'topic', slugs: [doc.slug as string] }))],
  },
  fields: [{ name: 'name', type: 'text', required: true }, slugField('name'), { name: 'description', type: 'textarea', maxLength: 600 }],
}
