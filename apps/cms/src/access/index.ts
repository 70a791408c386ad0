import type { Access, FieldAccess } from 'payload'
import { isAdminUser, isEditorUser, isStaffUser } from './roles'

// One small, named rule each. Every collection spells out all four operations with these.

/** Nobody through any API: the field or collection is written only by server code. */
export const nobody: Access = () => false
export const nobodyField: FieldAccess = () => false

export const anyone: Access = () => true

export const staff: Access = ({ req }) => isStaffUser(req.user)
export const editors: Access = ({ req }) => isEditorUser(req.user)
export const admins: Access = ({ req }) => isAdminUser(req.user)
export const adminsField: FieldAccess = ({ req }) => isAdminUser(req.user)
export const staffField: FieldAccess = ({ req }) => isStaffUser(req.user)
/** Staff-only fields of public documents: readers neither get them nor filter or sort on them. */
export const staffOnlyField: FieldAccess = staffField

/** Staff see every article; everyone else sees only what is published. */
export const publishedOrStaff: Access = ({ req }) => (isStaffUser(req.user) ? true : { _status: { equals: 'published' } })

/** Admins see every account; other staff only their own. */
export const adminsOrSelf: Access = ({ req }) => {
  if (isAdminUser(req.user)) return true
  if (isStaffUser(req.user) && req.user) return { id: { equals: req.user.id } }
  return false
}
