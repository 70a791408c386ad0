import type { CollectionConfig } from 'payload'
import { admins, nobody } from '../../access'

/**
 * Addresses the newsletter never mails again: hard bounces, complaints, erased subscribers.
 * Admins see why and when. Only a keyed hash identifies the address (suppression.ts); the
 * address itself is kept beside it for bounces and complaints, and dropped on erasure.
 * Written only by the provider webhook and the erase endpoint; never edited or deleted.
 */
export const NewsletterSuppressions: CollectionConfig = {
  slug: 'newsletter-suppressions',
  labels: { singular: 'Suppressed address', plural: 'Suppressed addresses' },
  graphQL: { singularName: 'NewsletterSuppression', pluralName: 'NewsletterSuppressions' },
  admin: { useAsTitle: 'emailHash', defaultColumns: ['email', 'reason', 'at'], group: 'Newsletter' },
  access: { read: admins, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'emailHash', type: 'text', required: true, unique: true, index: true },
    { name: 'email', type: 'email', admin: { description: 'Empty once the subscriber was erased: only the hash remains.' } },
    {
      name: 'reason',
      type: 'select',
      required: true,
      options: [
        { label: 'Hard bounce', value: 'hard_bounce' },
        { label: 'Complaint', value: 'complaint' },
        { label: 'Soft bounces, given up', value: 'soft_bounce' },
        { label: 'Erased on request', value: 'erased' },
      ],
    },
    { name: 'at', type: 'date', required: true, admin: { date: { pickerAppearance: 'dayAndTime' } } },
  ],
}
// The provider's webhook writes this list; it lives at the API root (/api/newsletter-events).
export { newsletterEvents } from './events'
