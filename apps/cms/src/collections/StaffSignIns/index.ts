import type { CollectionConfig, PayloadRequest } from 'payload'
import { admins, nobody } from '../../access'

export const SIGN_IN_OUTCOMES = ['signed_in', 'failed', 'throttled'] as const
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number]

/**
 * Every staff sign-in and failed attempt: who (the account, or the address typed when it
 * matched none), when, the outcome, and a keyed hash of the client address (never the address
 * itself). Admins read it; nobody changes or deletes an entry through any API.
 */
export const StaffSignIns: CollectionConfig = {
  slug: 'staff-sign-ins',
  labels: { singular: 'Sign-in', plural: 'Sign-ins' },
  graphQL: { singularName: 'StaffSignIn', pluralName: 'StaffSignIns' },
  admin: { useAsTitle: 'email', defaultColumns: ['createdAt', 'email', 'outcome', 'clientHash'], group: 'Staff' },
  access: { read: admins, create: nobody, update: nobody, delete: nobody },
  timestamps: true,
  fields: [
    { name: 'user', type: 'relationship', relationTo: 'users', index: true, admin: { description: 'The account, when the address matched one.' } },
    { name: 'email', type: 'text', required: true, index: true, admin: { description: 'The address typed at sign-in (normalised).' } },
    { name: 'outcome', type: 'select', required: true, options: SIGN_IN_OUTCOMES.map((value) => ({ label: value.replace('_', ' '), value })) },
    { name: 'clientHash', type: 'text', required: true, index: true, admin: { description: 'Keyed hash of the client address.' } },
  ],
}

/** Records one sign-in attempt. Outside any transaction: a failed sign-in rolls its own back. */
export async function recordSignIn(req: PayloadRequest, entry: { user: number | null; email: string; outcome: SignInOutcome; clientHash: string }) {
  await req.payload.create({
    collection: 'staff-sign-ins',
    data: { ...entry, email: entry.email.slice(0, 254) },
    overrideAccess: true, // written only here, by the server
  })
}
