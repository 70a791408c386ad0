import type { CollectionConfig } from 'payload'
import { tags } from '@runsense/domain/cache-tags'
import { admins, anyone, editors } from '../../access'
import { revalidateOnChange, revalidateOnDelete } from '../../lib/revalidateHooks'
import { slugField } from '../../fields/slug'

/** Public profiles of the medical reviewers; everything here is shown to readers. */
export const Reviewers: CollectionConfig = {
  slug: 'reviewers',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'role', 'slug'] },
  access: {
    read: anyone,
    create: editors,
    update: editors,
    // Deleting a profile would orphan every sign-off that names it.
    delete: admins,
  },
  hooks: {
    // A reviewer's name and role appear on every guide they reviewed.
    afterChange: [revalidateOnChange((doc, prev) => [tags.reviewers, tags.guides, tags.reviewer(String(doc.slug)), ...(prev?.slug ? [tags.reviewer(String(prev.slug))] : [])])],
    afterDelete: [revalidateOnDelete((doc) => [tags.reviewers, tags.guides, tags.reviewer(String(doc.slug))])],
  },
  fields: [
    { name: 'name', type: 'text', required: true },
    slugField('name'),
    { name: 'role', type: 'text', required: true, admin: { description: 'Shown after the name, e.g. "Founder".' } },
    { name: 'credentials', type: 'text', admin: { description: 'Degrees and registrations, e.g. "PT, DPT".' } },
    { name: 'bio', type: 'textarea', maxLength: 1200 },
  ],
}
