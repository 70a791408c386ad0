import type { CollectionConfig } from 'payload'
import { admins, anyone, editors } from '../../access'
import { slugField } from '../../fields/slug'

/** Topics group guides for readers (/topics/[slug]) and relate guides to each other. */
export const Topics: CollectionConfig = {
  slug: 'topics',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'slug'] },
  access: { read: anyone, create: editors, update: editors, delete: admins },
  fields: [
    { name: 'name', type: 'text', required: true },
    slugField('name'),
    { name: 'description', type: 'textarea', maxLength: 600 },
  ],
}
