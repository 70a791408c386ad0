import { sql } from '@payloadcms/db-postgres'
import { AuthenticationError, Forbidden, type CollectionConfig } from 'payload'
import { admins, adminsField, adminsOrSelf, staff } from '../../access'
import { ROLES } from '../../access/roles'
import { execute } from '../../lib/db'
import { secondFactorEndpoints } from './secondFactorEndpoints'
import { passwordResetEndpoint, signInEndpoint } from './signIn'

export const Users: CollectionConfig = {
  slug: 'users',
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'email', 'role'] },
  auth: {
    // Payload's lockout is off: it let anyone lock a colleague out with wrong passwords. Sign-ins
    // are throttled per client and account instead (./signIn.ts).
    maxLoginAttempts: 0,
    tokenExpiration: 8 * 60 * 60,
    cookies: {
      sameSite: 'Lax',
      // Draft preview on the site checks this session cookie, so in production the CMS and the
      // site (say cms.example.org and example.org) must share it: COOKIE_DOMAIN=example.org.
      domain: process.env.COOKIE_DOMAIN || undefined,
      secure: (process.env.CMS_URL || '').startsWith('https://'),
    },
  },
  // Our sign-in and password-reset endpoints stand in for Payload's (custom ones match first);
  // two-factor sign-in lives under /api/users/second-factor.
  endpoints: [signInEndpoint, passwordResetEndpoint, ...secondFactorEndpoints],
  hooks: {
    beforeOperation: [
      ({ operation, req }) => {
        // GraphQL's loginUser / forgotPasswordUser would go around the throttling of the REST
        // endpoints above; the admin and every client use REST.
        const path = typeof req.url === 'string' ? new URL(req.url, 'http://cms').pathname : ''
        if ((operation === 'login' || operation === 'forgotPassword') && path.endsWith('/graphql')) throw new Forbidden(req.t)
      },
    ],
    afterLogin: [
      // Sessions are appended atomically at sign-in (patches/payload+3.90.1.patch), which no
      // longer drops expired ones: drop them here, in one statement, in the login's transaction.
      // A password changed while this sign-in was checking the old one (the check takes ~0.1 s)
      // must not leave a session behind: the change ended the others. FOR SHARE waits for a change
      // still running (and holds one off until this commits, when it ends this session too) but
      // not for other sign-ins (FOR UPDATE deadlocked against their session inserts' key locks).
      // Payload rolls the new session back on the error. (A legacy hash is rewritten by the
      // sign-in itself, so only current-format hashes are compared.)
      async ({ req, user }) => {
        const checked = (user as { hash?: unknown }).hash
        if (typeof checked !== 'string' || !checked.startsWith('pbkdf2-sha256-v1:')) return
        const rows = await execute(req, sql`select hash from users where id = ${Number(user.id)} for share`)
        if (rows[0]?.hash !== checked) throw new AuthenticationError(req.t)
      },
      // Second-factor passes (lib/secondFactor.ts) of sessions that ended go with them.
      async ({ req, user }) => {
        const id = Number(user.id)
        await execute(req, sql`delete from users_sessions where _parent_id = ${id} and expires_at < now()`)
        await execute(req, sql`delete from second_factor_sessions s where s.user_id = ${id} and not exists (select 1 from users_sessions u where u.id = s.sid)`)
      },
    ],
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
    {
      // Not stored: a reviewer's passkeys for signing off (ReviewerPasskeys), added, renamed and retired here.
      name: 'passkeys',
      type: 'ui',
      admin: { components: { Field: '/components/Passkeys#Passkeys' } },
    },
    {
      // Not stored: the admins' "Reset second factor" button (the state is in lib/secondFactor.ts).
      name: 'secondFactorReset',
      type: 'ui',
      admin: { components: { Field: '/components/SecondFactorReset#SecondFactorReset' } },
    },
  ],
}
