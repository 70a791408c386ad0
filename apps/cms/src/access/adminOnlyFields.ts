import { APIError, type CollectionBeforeOperationHook, type CollectionSlug } from 'payload'
import { isAdminUser } from './roles'

/**
 * Refuses, aloud and before the operation starts, a non-admin's update that changes any of
 * `fields` (fields whose access is admins-only). Field access alone would drop such a change
 * silently before any collection hook sees it, and the editor would believe it was saved.
 */
export const refuseAdminOnlyChanges =
  (collection: CollectionSlug, fields: readonly string[], refusal: (touched: string[]) => string): CollectionBeforeOperationHook =>
  async ({ args, operation, req }) => {
    if (operation !== 'update' || isAdminUser(req.user)) return args
    const data = (args as { data?: Record<string, unknown> }).data ?? {}
    if (!fields.some((f) => f in data)) return args
    const id = (args as { id?: number | string }).id
    const current =
      id !== undefined ? ((await req.payload.findByID({ collection, id, depth: 0, overrideAccess: true, disableErrors: true, req })) as Record<string, unknown> | null) : null
    const touched = fields.filter((f) => f in data && JSON.stringify(data[f] ?? null) !== JSON.stringify(current?.[f] ?? null))
    if (touched.length) throw new APIError(refusal(touched), 403, undefined, true)
    return args
  }
