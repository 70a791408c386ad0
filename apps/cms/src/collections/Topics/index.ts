import type { CollectionConfig } from 'payload'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { admins, adminsField, anyone, editors } from '../../access'
import { refuseAdminOnlyChanges } from '../../access/adminOnlyFields'
import { revalidateOnChange, revalidateOnDelete } from '../../lib/revalidateHooks'
import { slugField } from '../../fields/slug'
import { auditedChanges } from '../AuditLog'

/** What readers see of a topic; every change to it is in the audit log. */
const TOPIC_FIELDS = ['name', 'slug', 'description'] as const
/**
 * A topic's name is outside every sign-off, yet readers and search engines read it as a heading,
 * in page titles and in "Medically reviewed Runsense guides on NAME": only admins name topics, so
 * an editor cannot put unreviewed words there. Editors tag guides with topics and write the
 * description, which the topic page marks as the editors' words.
 */
const ADMIN_ONLY_FIELDS = ['name', 'slug'] as const
const adminsOnly = { create: adminsField, update: adminsField }
const audited = auditedChanges('topics', TOPIC_FIELDS, (doc) => `Topic ${doc.name}`)

/** Topics group guides for readers (/topics/[slug]) and relate guides to each other. */
export const Topics: CollectionConfig = {
  slug: 'topics',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'slug'] },
  access: { read: anyone, create: admins, update: editors, delete: admins },
  hooks: {
    beforeOperation: [refuseAdminOnlyChanges('topics', ADMIN_ONLY_FIELDS, (touched) => `Only an admin can change a topic's ${touched.join(', ')}; you can edit its description.`)],
    afterChange: [audited.afterChange, revalidateOnChange((doc, prev) => tagsForChange({ kind: 'topic', slugs: [doc.slug as string, prev?.slug as string] }))],
    afterDelete: [revalidateOnDelete((doc) => tagsForChange({ kind: 'topic', slugs: [doc.slug as string] })), audited.afterDelete],
  },
  fields: [
    {
      name: 'name',
      type: 'text',
      required: true,
      maxLength: 60,
      access: adminsOnly,
      admin: { description: 'A short navigation label, e.g. "Injury and comebacks". Only admins can change it.' },
    },
    { ...slugField('name'), access: adminsOnly },
    { name: 'description', type: 'textarea', maxLength: 600, admin: { description: "One line on what the topic's list holds; the page marks it as the editors' words." } },
  ],
}
