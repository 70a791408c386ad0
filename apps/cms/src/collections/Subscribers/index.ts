import type { CollectionConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { admins, nobody } from '../../access'
import { execute } from '../../lib/db'
import { confirm, counts, exportCsv, signup, unsubscribe } from './endpoints'
import { exportSubscriber, forgetDeliveries, keepOnlyAHash } from './privacy'

/**
 * Newsletter subscribers, with the consent record of their latest opt-in. Only admins can see
 * them. No generic API writes them: the collection's own endpoints (signup, confirm,
 * unsubscribe) do, server-side. Deleting one is the GDPR erasure: the row goes, and only an
 * anonymous count is kept (global newsletter-stats).
 */
export const Subscribers: CollectionConfig = {
  slug: 'subscribers',
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'status', 'createdAt', 'consent.confirmedAt'],
    listSearchableFields: ['email'],
    components: { beforeList: ['/components/SubscriberCounts#SubscriberCounts'] },
    description: 'Deleting a subscriber erases them (GDPR): only an anonymous count is kept.',
  },
  access: {
    read: admins,
    create: nobody,
    update: nobody,
    delete: admins,
  },
  endpoints: [signup, confirm, unsubscribe, exportCsv, counts, exportSubscriber],
  hooks: {
    beforeDelete: [forgetDeliveries],
    afterDelete: [
      keepOnlyAHash,
      async ({ req }) => {
        await execute(
          req,
          sql`insert into newsletter_stats (id, erased_count, updated_at, created_at) values (1, 1, now(), now())
              on conflict (id) do update set erased_count = coalesce(newsletter_stats.erased_count, 0) + 1, updated_at = now()`,
        )
      },
    ],
  },
  fields: [
    { name: 'email', type: 'email', required: true, unique: true, index: true },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      index: true,
      options: [
        { label: 'Pending confirmation', value: 'pending' },
        { label: 'Confirmed', value: 'confirmed' },
        { label: 'Unsubscribed', value: 'unsubscribed' },
      ],
    },
    { name: 'unsubscribedAt', type: 'date', admin: { readOnly: true } },
    {
      name: 'consent',
      type: 'group',
      admin: { readOnly: true, description: 'What the person agreed to, when, and where.' },
      fields: [
        { name: 'signedUpAt', type: 'date' },
        { name: 'confirmedAt', type: 'date' },
        { name: 'sourcePage', type: 'text' },
        { name: 'wording', type: 'textarea', admin: { description: 'The exact text of the signup block they saw.' } },
        { name: 'ipHash', type: 'text', admin: { description: 'A keyed hash of the IP address; the address itself is never stored.' } },
      ],
    },
    // Only a hash of the confirmation token is stored; the token itself is only in the email.
    { name: 'confirmTokenHash', type: 'text', index: true, hidden: true },
    { name: 'confirmTokenExpiresAt', type: 'date', hidden: true },
    { name: 'confirmSentAt', type: 'date', hidden: true },
  ],
}
