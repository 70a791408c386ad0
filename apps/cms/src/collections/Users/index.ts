import type { CollectionConfig } from 'payload'
import { admins, adminsField, adminsOrSelf, staff } from '../../access'
import { ROLES } from '../../access/roles'

export const Users: CollectionConfig = {
  slug: 'users',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'email', 'role'] },
  auth: {
    // Lock an account for 15 minutes after 5 failed logins in a row.
    maxLoginAttempts: 5,
    lockTime: 15 * 60 * 1000,
    tokenExpiration: 8 * 60 * 60,
    cookies: {
      sameSite: 'Lax',
      // Draft preview on the site checks this session cookie, so in production the CMS and the
      // site (say cms.example.org and example.org) must share it: COOKIE_DOMAIN=example.org.
      domain: process.env.COOKIE_DOMAIN || undefined,
      secure: (process.env.CMS_URL || '').startsWith('https://'),
    },
  },
  access: {
    // Staff accounts are created by admins only; there is no public sign-up.
    create: admins,
    // Staff may see each other (names appear in the workflow); readers never see accounts.
    read: staff,
    update: adminsOrSelf,
    delete: admins,
    admin: ({ req }) => Boolean(req.user && req.user.collection === 'users' && (req.user as { role?: string }).role),
    unlock: admins,
  },
  fields: [
    { name: 'name', type: 'text', required: true },
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'editor',
      options: ROLES.map((value) => ({ label: value[0].toUpperCase() + value.slice(1), value })),
      saveToJWT: true,
      // Only an admin can grant or change a role, so nobody can promote themselves.
      access: { create: adminsField, update: adminsField },
    },
    {
      name: 'reviewer',
      type: 'relationship',
      relationTo: 'reviewers',
      saveToJWT: true,
      admin: { description: 'For reviewer accounts: the public reviewer profile this person signs off as.' },
      access: { create: adminsField, update: adminsField },
    },
  ],
}
