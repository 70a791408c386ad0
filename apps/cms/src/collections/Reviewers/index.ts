import type { CollectionConfig } from 'payload'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { admins, adminsField, anyone, staffField } from '../../access'
import { adminsOrOwnReviewerProfile } from '../../access/reviewerProfiles'
import { refuseAdminOnlyChanges } from '../../access/adminOnlyFields'
import { revalidateOnChange, revalidateOnDelete } from '../../lib/revalidateHooks'
import { slugField } from '../../fields/slug'
import { auditedChanges } from '../AuditLog'

/** What readers see of a reviewer; every change to it is in the audit log. */
const PROFILE_FIELDS = ['name', 'slug', 'role', 'credentials', 'registrationBody', 'registrationNumber', 'verification', 'bio'] as const
/** Who the reviewer is, as readers trust it: only admins change it. */
const ADMIN_ONLY_FIELDS = ['name', 'slug', 'role', 'credentials', 'registrationBody', 'registrationNumber', 'verification'] as const
/** How long an admin's verification of a reviewer's credentials lasts (large publishers re-verify every 1–2 years). */
export const verificationMonths = () => Number(process.env.REVIEWER_VERIFICATION_MONTHS || 24)
const adminsOnly = { create: adminsField, update: adminsField }
const audited = auditedChanges('reviewers', PROFILE_FIELDS, (doc) => `Reviewer ${doc.name}`)

/** Public profiles of the medical reviewers; everything here is shown to readers. */
export const Reviewers: CollectionConfig = {
  slug: 'reviewers',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'role', 'slug'] },
  access: {
    read: anyone,
    create: admins,
    // Admins, and a reviewer for their own bio (field access below keeps the rest admin-only).
    update: adminsOrOwnReviewerProfile,
    // Deleting a profile would orphan every sign-off that names it.
    delete: admins,
  },
  hooks: {
    // Field access would drop a non-admin's change to an admin-only field silently (before any
    // collection hook sees it): refuse it aloud instead, before the operation starts.
    beforeOperation: [
      refuseAdminOnlyChanges('reviewers', ADMIN_ONLY_FIELDS, (touched) => `Only an admin can change a reviewer's ${touched.join(', ')}; you can edit your own bio.`),
    ],
    beforeChange: [
      // A verification records who verified and when it lapses; only the date is the admin's to set.
      ({ data, originalDoc, req }) => {
        if (!data || !('verification' in data)) return data
        const at = data.verification?.verifiedAt ?? null
        if (!at) {
          data.verification = { verifiedAt: null, verifiedBy: null, expiresAt: null }
        } else if (new Date(at).getTime() !== new Date(originalDoc?.verification?.verifiedAt ?? 0).getTime()) {
          const until = new Date(at)
          until.setUTCMonth(until.getUTCMonth() + verificationMonths())
          data.verification = { verifiedAt: at, verifiedBy: typeof req.user?.id === 'number' ? req.user.id : null, expiresAt: until.toISOString() }
        } else {
          data.verification = { ...originalDoc?.verification }
        }
        return data
      },
    ],
    afterChange: [
      audited.afterChange,
      // A reviewer's name and role appear on every guide they reviewed.
      revalidateOnChange((doc, prev) => tagsForChange({ kind: 'reviewer', slugs: [doc.slug as string, prev?.slug as string] })),
    ],
    afterDelete: [revalidateOnDelete((doc) => tagsForChange({ kind: 'reviewer', slugs: [doc.slug as string] })), audited.afterDelete],
  },
  fields: [
    { name: 'name', type: 'text', required: true, access: adminsOnly },
    { ...slugField('name'), access: adminsOnly },
    { name: 'role', type: 'text', required: true, access: adminsOnly, admin: { description: 'Shown after the name, e.g. "Founder". Only admins can change it.' } },
    { name: 'credentials', type: 'text', access: adminsOnly, admin: { description: 'Degrees and registrations, e.g. "PT, DPT". Only admins can change it.' } },
    {
      type: 'row',
      fields: [
        { name: 'registrationBody', label: 'Registration body', type: 'text', access: adminsOnly, admin: { description: 'Optional, e.g. "HCPC".' } },
        { name: 'registrationNumber', label: 'Registration number', type: 'text', access: adminsOnly },
      ],
    },
    {
      name: 'verification',
      label: 'Credentials verification',
      type: 'group',
      access: adminsOnly,
      admin: { description: 'Set by an admin after checking the credentials. A reviewer can sign off only while it is current.' },
      fields: [
        { name: 'verifiedAt', label: 'Verified on', type: 'date', admin: { date: { pickerAppearance: 'dayOnly' } } },
        { name: 'verifiedBy', label: 'Verified by', type: 'relationship', relationTo: 'users', admin: { readOnly: true }, access: { read: staffField } },
        { name: 'expiresAt', label: 'Verification lapses on', type: 'date', admin: { readOnly: true, date: { pickerAppearance: 'dayOnly' } } },
      ],
    },
    { name: 'bio', type: 'textarea', maxLength: 1200 },
  ],
}
