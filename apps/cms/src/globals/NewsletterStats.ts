import type { GlobalConfig } from 'payload'
import { admins, nobody } from '../access'

/** Anonymous newsletter figures kept after erasures: how many subscribers were erased. */
export const NewsletterStats: GlobalConfig = {
  slug: 'newsletter-stats',
  admin: { group: 'Newsletter' },
  access: { read: admins, update: nobody },
  fields: [{ name: 'erasedCount', type: 'number', defaultValue: 0, admin: { readOnly: true } }],
}
