import type { Access } from 'payload'
import { isAdminUser, roleOf } from './roles'

const ownProfileId = (user: unknown): number | null => {
  const r = (user as { reviewer?: unknown } | null)?.reviewer
  const id = typeof r === 'object' && r !== null ? (r as { id?: unknown }).id : r
  return typeof id === 'number' ? id : null
}

/**
 * A reviewer profile is what readers trust beside every guide the reviewer signed: admins edit
 * any profile; a reviewer may edit their own (and only its bio: see ownBioOnly); nobody else.
 */
export const adminsOrOwnReviewerProfile: Access = ({ req }) => {
  if (isAdminUser(req.user)) return true
  const own = roleOf(req.user) === 'reviewer' ? ownProfileId(req.user) : null
  return own === null ? false : { id: { equals: own } }
}
