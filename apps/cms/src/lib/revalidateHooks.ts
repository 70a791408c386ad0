import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, GlobalAfterChangeHook } from 'payload'
import { afterCommit } from './db'
import { revalidateSite } from './revalidate'

/**
 * Hooks that tell the site what changed, after the change commits. `tagsFor` names the cache
 * tags (from @runsense/domain/cache-tags) a document's change affects.
 */
export const revalidateOnChange =
  (tagsFor: (doc: Record<string, unknown>, previous?: Record<string, unknown>) => string[]): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    const tags = tagsFor(doc, previousDoc)
    await afterCommit(req, () => revalidateSite(tags, req.payload.logger))
    return doc
  }

export const revalidateOnDelete =
  (tagsFor: (doc: Record<string, unknown>) => string[]): CollectionAfterDeleteHook =>
  async ({ doc, req }) => {
    await afterCommit(req, () => revalidateSite(tagsFor(doc), req.payload.logger))
    return doc
  }

export const revalidateGlobal =
  (tags: string[]): GlobalAfterChangeHook =>
  async ({ doc, req }) => {
    await afterCommit(req, () => revalidateSite(tags, req.payload.logger))
    return doc
  }
