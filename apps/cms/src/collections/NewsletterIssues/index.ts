import type { CollectionConfig, FieldAccess } from 'payload'
import { type RelationshipFieldValidation, relationship } from 'payload/shared'
import { ISSUE_STATUSES, ISSUE_STATUS_LABELS, PUBLIC_ISSUE_STATUSES } from '@runsense/domain/newsletter'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import { admins, editors, nobodyField, staffField } from '../../access'
import { isStaffUser } from '../../access/roles'
import { slugField } from '../../fields/slug'
import { cancelEndpoint, previewEndpoint, progressEndpoint, sendEndpoint, testEndpoint } from './endpoints'
import { ISSUE_SERVER_WRITE } from './send'

const serverOwned = { create: nobodyField, update: nobodyField }
/** What the email says can change only until it starts sending; after that it is the record. */
const whileUnsent: FieldAccess = ({ req, doc }) => isStaffUser(req.user) && (!doc || doc.status === 'draft' || doc.status === 'scheduled')
const editable = { update: whileUnsent }
/** Server-written moments, shown (field and list cell) in staff time, UTC and labelled, not the browser's local time. */
const staffTime = {
  readOnly: true,
  date: { pickerAppearance: 'dayAndTime' },
  components: { Field: '/components/StaffTime#StaffTimeField', Cell: '/components/StaffTime#StaffTimeCell' },
} as const
/**
 * The guides an editor chose are checked when an editor saves them, never on the server's own
 * writes of the issue (ISSUE_SERVER_WRITE, send.ts): a guide unpublished, archived or deleted
 * since is the send gate's to refuse with a sentence, and must not make recording that refusal,
 * a schedule or a cancel fail validation.
 */
const chosenGuides: RelationshipFieldValidation = (value, args) => (args.req.context?.[ISSUE_SERVER_WRITE] ? true : relationship(value, args))

/**
 * Newsletter issues: one weekly email built around one live, signed-off guide. Staff see every
 * issue; readers only issues that are going out or have gone out (the public web version every
 * email links to: it must answer from the first email on, not only once the last has left),
 * never drafts.
 * Status and the send record are written by the send endpoints and jobs only.
 */
export const NewsletterIssues: CollectionConfig = {
  slug: 'newsletter-issues',
  labels: { singular: 'Newsletter issue', plural: 'Newsletter issues' },
  admin: {
    useAsTitle: 'subject',
    defaultColumns: ['subject', 'status', 'scheduledFor', 'sentAt', 'recipients'],
    group: 'Newsletter',
  },
  access: {
    read: ({ req }) => (isStaffUser(req.user) ? true : { status: { in: [...PUBLIC_ISSUE_STATUSES] } }),
    create: editors,
    update: editors,
    delete: admins,
  },
  endpoints: [sendEndpoint, testEndpoint, cancelEndpoint, progressEndpoint, previewEndpoint],
  fields: [
    { name: 'subject', type: 'text', required: true, maxLength: 150, access: editable },
    { ...slugField('subject'), access: editable },
    {
      name: 'preheader',
      type: 'text',
      maxLength: 200,
      access: editable,
      admin: {
        description: `The line mail apps show after the subject. It always opens with "${EXEMPT_NOTICES.inboxPreview}"; without a preheader the featured guide's title follows.`,
      },
    },
    { name: 'intro', type: 'textarea', maxLength: 2000, access: editable, admin: { description: 'A short plain-text note before the guide. Blank lines separate paragraphs.' } },
    {
      name: 'featuredGuide',
      type: 'relationship',
      relationTo: 'articles',
      // Checked when sending (422 with a sentence), not by the database: deleting a guide must
      // not be blocked by an old issue that featured it.
      access: editable,
      filterOptions: { _status: { equals: 'published' } },
      validate: chosenGuides,
      admin: { description: 'A published guide whose sign-off matches its live text; anything else is refused when sending.' },
    },
    {
      name: 'alsoWorthReading',
      type: 'relationship',
      relationTo: 'articles',
      hasMany: true,
      maxRows: 3,
      access: editable,
      filterOptions: { _status: { equals: 'published' } },
      validate: chosenGuides,
    },
    {
      name: 'sendPanel',
      type: 'ui',
      admin: { components: { Field: '/components/NewsletterIssuePanel#NewsletterIssuePanel' } },
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'draft',
      index: true,
      access: serverOwned,
      options: ISSUE_STATUSES.map((s) => ({ label: ISSUE_STATUS_LABELS[s], value: s })),
      admin: { position: 'sidebar', readOnly: true },
    },
    { name: 'scheduledFor', type: 'date', access: { ...serverOwned, read: staffField }, admin: { position: 'sidebar', ...staffTime } },
    { name: 'scheduledBy', type: 'number', hidden: true, access: serverOwned },
    { name: 'startedAt', type: 'date', access: { ...serverOwned, read: staffField }, admin: { position: 'sidebar', ...staffTime } },
    { name: 'sentAt', type: 'date', access: serverOwned, admin: { position: 'sidebar', ...staffTime } },
    { name: 'recipients', type: 'number', access: { ...serverOwned, read: staffField }, admin: { position: 'sidebar', readOnly: true } },
    // What was sent, frozen when sending started: the web version shows exactly this.
    { name: 'content', type: 'json', access: serverOwned, admin: { hidden: true } },
    // The rendered HTML and text with per-recipient placeholders (email.tsx); server-only.
    { name: 'rendered', type: 'json', hidden: true, access: serverOwned },
    {
      name: 'log',
      label: 'Send record',
      type: 'array',
      access: { ...serverOwned, read: staffField },
      admin: { readOnly: true, description: 'Every send, schedule and cancel: who and when.' },
      fields: [
        { name: 'action', type: 'text', required: true },
        { name: 'by', type: 'number' },
        { name: 'byEmail', type: 'text' },
        { name: 'at', type: 'date', required: true, admin: staffTime },
        { name: 'detail', type: 'text' },
      ],
    },
  ],
}
