import type { PayloadRequest } from 'payload'

/** The three staff roles. Readers never log in; only staff have accounts. */
export const ROLES = ['admin', 'editor', 'reviewer'] as const
export type Role = (typeof ROLES)[number]

type MaybeUser = PayloadRequest['user']

export const roleOf = (user: MaybeUser): Role | null => {
  if (!user || user.collection !== 'users') return null
  const role = (user as { role?: unknown }).role
  return ROLES.includes(role as Role) ? (role as Role) : null
}

export const isStaffUser = (user: MaybeUser) => roleOf(user) !== null
export const isAdminUser = (user: MaybeUser) => roleOf(user) === 'admin'
/** Admins may do everything editors may (never what only an assigned reviewer may). */
export const isEditorUser = (user: MaybeUser) => {
  const role = roleOf(user)
  return role === 'editor' || role === 'admin'
}
