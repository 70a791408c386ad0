import type { CollectionConfig } from 'payload'
import { STAGE_LABELS, STAGES } from '@runsense/domain/workflow'
import { tagsForGuideChange } from '@runsense/domain/cache-tags'
import { admins, editors, publishedOrStaff, staff, staffOnlyField } from '../../access'
import { bodyEditor, plainEditor } from '../../editor'
import { slugField } from '../../fields/slug'
import { revalidateAfterCommit } from '../../lib/revalidate'
import { guardWrites, savesAreDrafts, workflowWrite } from './hooks/guardWrites'
import { signOffOptionsPost, workflowGet, workflowPost } from './workflow'

const serverOwned = { create: workflowWrite, update: workflowWrite }
/** Server-owned and staff-only: readers neither see these nor filter or sort on them. */
const staffOnly = { ...serverOwned, read: staffOnlyField }

/**
 * Guides. Drafts and autosave come from Payload's versions; what readers see is only ever
 * the published version. The review fields are written by server code, never by a form.
 */
export const Articles: CollectionConfig = {
  slug: 'articles',
  labels: { singular: 'Guide', plural: 'Guides' },
  admin: {
    useAsTitle: 'title',
    // No `_status` column: for an archived guide it would read "Draft (has published version)". The
    // stage says where a guide stands; an archived guide shows no next review date (NextReviewCell).
    defaultColumns: ['title', 'stage', 'assignedReviewer', 'nextReviewDue', 'updatedAt'],
    // Opens the draft on the site; the site checks the staff session itself (no secret in the URL).
    preview: (doc) => `${(process.env.SITE_URL || 'http://localhost:3000').replace(/\/$/, '')}/api/preview?slug=${encodeURIComponent(String(doc.slug ?? ''))}`,
    // Publishing happens only through the workflow panel; Payload's own buttons are removed.
    components: {
      edit: {
        PublishButton: '/components/WorkflowPanel#NoPublishButton',
        UnpublishButton: '/components/WorkflowPanel#NoPublishButton',
        // Payload's Status section offers "Revert to published", which re-publishes (the server
        // refuses it). The panel's "Discard my changes" (workflow action discard_changes) brings
        // back the signed text instead; the stage is shown in the panel.
        Status: '/components/WorkflowPanel#NoPublishButton',
      },
    },
  },
  // No bulk edit/publish/unpublish from the list: every change of state is a workflow action
  // (the server refuses bulk publishing anyway).
  disableBulkEdit: true,
  endpoints: [workflowPost, workflowGet, signOffOptionsPost],
  hooks: {
    beforeOperation: [savesAreDrafts],
    beforeChange: [guardWrites],
    afterDelete: [
      async ({ doc, req }) => {
        if (doc?._status === 'published') await revalidateAfterCommit(req, tagsForGuideChange([doc.slug]))
      },
    ],
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
    {
      name: 'workflowPanel',
      type: 'ui',
      admin: { position: 'sidebar', components: { Field: '/components/WorkflowPanel#WorkflowPanel' } },
    },
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
      name: 'topics',
      type: 'relationship',
      relationTo: 'topics',
      hasMany: true,
      admin: { position: 'sidebar' },
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
      defaultValue: 'This is general education, not medical advice, and not a substitute for the plan a clinician gives you for a diagnosed injury.',
    },
    {
      name: 'safety',
      label: 'Safety section',
      type: 'richText',
      required: true,
      editor: plainEditor,
    },
    {
      // Staff-only comments on this guide (collection editorial-notes): listed here, added here,
      // never editable or deletable, kept beside the workflow history.
      name: 'editorialNotes',
      label: 'Editorial notes',
      type: 'join',
      collection: 'editorial-notes',
      on: 'article',
      admin: { defaultColumns: ['createdAt', 'author', 'body'] },
      access: { read: staffOnlyField },
    },
    {
      name: 'reviewIntervalMonths',
      label: 'Review again after (months)',
      type: 'number',
      defaultValue: 12,
      min: 1,
      max: 36,
      admin: { position: 'sidebar', description: 'Sets "next review due" when the guide is published.' },
    },
    {
      type: 'collapsible',
      label: 'Review workflow (changed only through workflow actions)',
      admin: { position: 'sidebar' },
      fields: [
        {
          name: 'stage',
          type: 'select',
          defaultValue: 'draft',
          index: true,
          options: STAGES.map((value) => ({ label: STAGE_LABELS[value], value })),
          admin: { readOnly: true },
          access: staffOnly,
        },
        { name: 'assignedReviewer', type: 'relationship', relationTo: 'reviewers', index: true, admin: { readOnly: true }, access: staffOnly },
        { name: 'lastAuthor', type: 'relationship', relationTo: 'users', admin: { readOnly: true }, access: staffOnly },
        {
          name: 'signOff',
          type: 'group',
          admin: { readOnly: true },
          // The signed hash, its date and the reviewer are public (anyone can verify them against
          // review.json); the account that clicked and the version row are staff-only.
          access: serverOwned,
          fields: [
            { name: 'user', type: 'relationship', relationTo: 'users', access: { read: staffOnlyField } },
            { name: 'reviewer', type: 'relationship', relationTo: 'reviewers' },
            { name: 'at', type: 'date' },
            { name: 'hash', type: 'text' },
            { name: 'version', type: 'text', access: { read: staffOnlyField } },
            // The reviewer's WebAuthn assertion over the canonical string (domain/sign-off-signature.ts):
            // { credentialId, authenticatorData, clientDataJSON, signature, challenge }; public, so anyone can verify it.
            { name: 'signature', type: 'json' },
            // The cited sources as signed (their reader-visible fields, in citation order): what the
            // reviewer's diff compares a changed source with. Staff-only: readers see the sources on the page.
            { name: 'sources', type: 'json', access: { read: staffOnlyField } },
          ],
        },
        {
          name: 'reviewer',
          label: 'Public reviewer',
          type: 'relationship',
          relationTo: 'reviewers',
          index: true,
          admin: { readOnly: true },
          access: serverOwned,
        },
        {
          name: 'lastReviewedAt',
          label: 'Last reviewed',
          type: 'date',
          admin: { readOnly: true, date: { pickerAppearance: 'dayOnly' } },
          access: serverOwned,
        },
        {
          name: 'nextReviewDue',
          type: 'date',
          index: true,
          admin: { readOnly: true, date: { pickerAppearance: 'dayOnly' }, components: { Cell: '/components/ListCells#NextReviewCell' } },
          access: serverOwned,
        },
        {
          name: 'reviewFlag',
          label: 'Flagged for re-review',
          type: 'group',
          admin: { readOnly: true },
          access: staffOnly,
          fields: [
            { name: 'flagged', type: 'checkbox', defaultValue: false, index: true },
            { name: 'reason', type: 'text' },
            { name: 'at', type: 'date' },
          ],
        },
        {
          name: 'scheduledPublish',
          type: 'group',
          admin: { readOnly: true },
          access: staffOnly,
          fields: [
            { name: 'at', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } },
            { name: 'by', type: 'relationship', relationTo: 'users' },
            { name: 'error', type: 'textarea' },
          ],
        },
        { name: 'overdueNotifiedAt', type: 'date', admin: { readOnly: true, hidden: true }, access: staffOnly },
        {
          // The public record of every publication: date, kind, reviewer (name and role at the
          // time) and the publishing editor's change note. Appended by the workflow only.
          name: 'reviewHistory',
          label: 'Public review history',
          type: 'json',
          admin: { readOnly: true, hidden: true },
          access: serverOwned,
        },
        {
          // What readers see of each cited source: written at publishing from the sources the
          // sign-off covered, so a later edit of a shared source never changes a live page
          // before a re-review is published (only a retraction notice shows at once).
          name: 'citedSources',
          label: 'Cited sources as published',
          type: 'json',
          admin: { readOnly: true, hidden: true },
          access: serverOwned,
        },
      ],
    },
  ],
}
