import type { Access, CollectionConfig, Endpoint, FieldAccess, PayloadRequest } from 'payload'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { isAdminUser, isStaffUser } from '../../access/roles'
import { nobody, nobodyField } from '../../access'
import { json, jsonObject } from '../../lib/http'
import { reviewerProfileOf, registerPasskey, registrationOptions, reviewersWithoutPasskey } from '../../lib/passkeys'
import { revalidateOnChange } from '../../lib/revalidateHooks'

/** Admins see every passkey; a reviewer sees and manages only their own. */
const adminsOrOwner: Access = ({ req }) => {
  if (isAdminUser(req.user)) return true
  if (isStaffUser(req.user) && req.user) return { user: { equals: req.user.id } }
  return false
}
/** The owner renames or retires their key (an admin may too, for a lost device). */
const ownerOrAdminField: FieldAccess = ({ req, doc }) =>
  isAdminUser(req.user) || Boolean(req.user && doc && String((doc.user as { id?: unknown })?.id ?? doc.user) === String(req.user.id))

/** What no API write may change once a key is registered: what makes its signatures checkable. */
const FIXED = ['credentialId', 'publicKey', 'jwk', 'algorithm', 'user', 'reviewer', 'addedAt', 'transports'] as const

const signedInReviewer = (req: PayloadRequest) =>
  !isStaffUser(req.user)
    ? json(401, { error: 'Sign in first.' })
    : reviewerProfileOf(req.user) === null
      ? json(403, { error: 'Only reviewer accounts with a public reviewer profile add passkeys.' })
      : null

/** POST /api/reviewer-passkeys/register/options: options for navigator.credentials.create(). */
const registerOptionsEndpoint: Endpoint = {
  path: '/register/options',
  method: 'post',
  handler: async (req) => signedInReviewer(req) ?? json(200, await registrationOptions(req)),
}

/** POST /api/reviewer-passkeys/register { name, response }: records the new passkey once verified. */
const registerEndpoint: Endpoint = {
  path: '/register',
  method: 'post',
  handler: async (req) => {
    const refused = signedInReviewer(req)
    if (refused) return refused
    const body = await jsonObject(req)
    const name = typeof body?.name === 'string' ? body.name.trim().slice(0, 80) : ''
    if (!name) return json(400, { error: 'Give the passkey a name, e.g. "YubiKey" or "laptop".' })
    if (!body?.response || typeof body.response !== 'object') return json(400, { error: 'Send the authenticator\'s answer as "response".' })
    const result = await registerPasskey(req, name, body.response as never)
    if (!result.ok) return json(400, { error: result.error })
    const { id, credentialId, algorithm, addedAt } = result.doc
    return json(201, { doc: { id, name, credentialId, algorithm, addedAt } })
  },
}

/**
 * GET /api/reviewer-passkeys/published/:reviewerId — the public keys of a reviewer profile, for
 * the site's /reviewers/<slug>/keys.json and the reviewer page: public key material only (JWK,
 * credential id, algorithm, added and retired dates). Retired keys stay listed so old signatures
 * still verify. Not the key's name: the reviewer's own label for it is staff-only, never reader-visible.
 */
const publishedEndpoint: Endpoint = {
  path: '/published/:reviewerId',
  method: 'get',
  handler: async (req) => {
    const reviewerId = Number(req.routeParams?.reviewerId)
    if (!Number.isSafeInteger(reviewerId) || reviewerId <= 0 || reviewerId > 2_147_483_647) return json(404, { error: 'No such reviewer.' })
    const { docs } = await req.payload.find({
      collection: 'reviewer-passkeys',
      where: { reviewer: { equals: reviewerId } },
      sort: 'addedAt',
      limit: 100,
      depth: 0,
      overrideAccess: true,
    })
    return json(200, {
      keys: docs.map((k) => ({ credentialId: k.credentialId, alg: k.algorithm, jwk: k.jwk, addedAt: k.addedAt, retiredAt: k.retiredAt ?? null })),
    })
  },
}

/**
 * GET /api/reviewer-passkeys/missing — for admins: reviewer accounts with no passkey in use.
 */
const missingEndpoint: Endpoint = {
  path: '/missing',
  method: 'get',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(403, { error: 'Only admins see which reviewers have no passkey.' })
    return json(200, { reviewers: await reviewersWithoutPasskey(req.payload) })
  },
}

/**
 * Reviewers' passkeys: a sign-off is a WebAuthn signature by one of them (lib/passkeys.ts). Created
 * only by the registration check; the owner renames or retires a key; nobody changes a key's
 * public key, owner or dates, and nobody deletes one (retired keys still verify old signatures).
 */
export const ReviewerPasskeys: CollectionConfig = {
  slug: 'reviewer-passkeys',
  labels: { singular: 'Reviewer passkey', plural: 'Reviewer passkeys' },
  graphQL: { singularName: 'ReviewerPasskey', pluralName: 'ReviewerPasskeys' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'user', 'addedAt', 'retiredAt'], group: 'Staff' },
  access: { read: adminsOrOwner, create: nobody, update: adminsOrOwner, delete: nobody },
  endpoints: [registerOptionsEndpoint, registerEndpoint, publishedEndpoint, missingEndpoint],
  hooks: {
    beforeChange: [
      ({ data, originalDoc, operation }) => {
        if (operation !== 'update' || !originalDoc) return data
        for (const f of FIXED) data[f] = originalDoc[f]
        // Retiring is once and for all, at the time it happens.
        if (originalDoc.retiredAt) data.retiredAt = originalDoc.retiredAt
        else if (data.retiredAt) data.retiredAt = new Date().toISOString()
        return data
      },
    ],
    afterChange: [
      // Keys show on reviewer pages and keys.json, and decide each guide's "Signature verified".
      revalidateOnChange(() => tagsForChange({ kind: 'reviewer', slugs: [] })),
    ],
  },
  fields: [
    { name: 'name', type: 'text', required: true, access: { update: ownerOrAdminField } },
    { name: 'credentialId', type: 'text', required: true, unique: true, index: true, admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'publicKey', label: 'Public key (COSE, base64url)', type: 'textarea', required: true, admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'jwk', label: 'Public key (JWK)', type: 'json', required: true, admin: { readOnly: true }, access: { update: nobodyField } },
    {
      name: 'algorithm',
      type: 'number',
      required: true,
      admin: { readOnly: true, description: 'COSE algorithm: -7 ES256, -8 EdDSA, -257 RS256.' },
      access: { update: nobodyField },
    },
    { name: 'counter', type: 'number', defaultValue: 0, admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'transports', type: 'json', admin: { hidden: true }, access: { update: nobodyField } },
    { name: 'user', type: 'relationship', relationTo: 'users', index: true, admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'reviewer', type: 'relationship', relationTo: 'reviewers', index: true, admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'addedAt', type: 'date', required: true, admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } }, access: { update: nobodyField } },
    { name: 'lastUsedAt', type: 'date', admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } }, access: { update: nobodyField } },
    {
      name: 'retiredAt',
      type: 'date',
      admin: { date: { pickerAppearance: 'dayAndTime' }, description: 'Retire a key you no longer use (lost, replaced). It stays published so earlier signatures still verify.' },
      access: { update: ownerOrAdminField },
    },
  ],
}
