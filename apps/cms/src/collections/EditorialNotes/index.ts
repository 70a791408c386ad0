import type { CollectionConfig } from 'payload'
import { nobody, staff } from '../../access'

/**
 * Staff-only comments on a guide, kept with its audit history: anyone on staff may add one;
 * nobody may change or delete one. Readers never see them.
 */
export const EditorialNotes: CollectionConfig = {
  slug: 'editorial-notes',
  labels: { singular: 'Editorial note', plural: 'Editorial notes' },
  admin: { useAsTitle: 'body', defaultColumns: ['createdAt', 'article', 'author', 'body'], group: 'Editorial' },
  access: { read: staff, create: staff, update: nobody, delete: nobody },
  hooks: {
    beforeChange: [
      // The author is whoever is logged in, never what the request claims.
      ({ data, req, operation }) => (operation === 'create' ? { ...data, author: req.user?.id ?? null } : data),
    ],
  },
  fields: [
    { name: 'article', type: 'relationship', relationTo: 'articles', required: true, index: true },
    { name: 'author', type: 'relationship', relationTo: 'users', admin: { readOnly: true } },
    { name: 'body', type: 'textarea', required: true, maxLength: 5000 },
  ],
}
