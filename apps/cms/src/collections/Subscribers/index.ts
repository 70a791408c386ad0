import type { CollectionConfig } from 'payload'
import { admins, nobody } from '../../access'

/**
 * Newsletter subscribers. Only admins can see them. Nothing writes them through the
 * generic API: the collection's own signup endpoints (newsletter issue) do, server-side.
 */
export const Subscribers: CollectionConfig = {
  slug: 'subscribers',
  admin: { useAsTitle: 'email', defaultColumns: ['email', 'status', 'createdAt'] },
  access: {
    read: admins,
    create: nobody,
    update: nobody,
    delete: admins,
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
    { name: 'confirmedAt', type: 'date' },
    { name: 'unsubscribedAt', type: 'date' },
  ],
}
