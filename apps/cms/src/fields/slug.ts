import type { TextField } from 'payload'
import { isValidSlug, slugify } from '@runsense/domain/slug'

/**
 * A unique, URL-safe slug generated from another field when left empty, and editable.
 * Validation gives an editor a sentence rather than a database error.
 */
export const slugField = (from: string): TextField => ({
  name: 'slug',
  type: 'text',
  required: true,
  unique: true,
  index: true,
  admin: { position: 'sidebar', description: `Part of the public address. Generated from the ${from} when left empty.` },
  hooks: {
    beforeValidate: [
      ({ value, data, originalDoc }) => {
        if (typeof value === 'string' && value.trim()) return slugify(value)
        const source = data?.[from] ?? originalDoc?.[from]
        return typeof source === 'string' ? slugify(source) : value
      },
    ],
  },
  validate: (value: unknown) => (typeof value === 'string' && isValidSlug(value) ? true : 'Use lowercase letters, digits and single dashes (e.g. "returning-to-running").'),
})
