import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, GlobalAfterChangeHook } from 'payload'
import { revalidateAfterCommit } from './revalidate'

/**
 * Hooks that tell the site what changed, after the change commits (durably: lib/revalidate.ts). `tagsFor` names the cache
 * tags (from @runsense/domain/cache-tags) a document's change affects.
 */
export const revalidateOnChange =
  (tagsFor: (doc: Record<string, unknown>, previous?: Record<string, unknown>) => string[]): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    await revalidateAfterCommit(req, tagsFor(doc, previousDoc))
    return doc
  }

export const revalidateOnDelete =
  (tagsFor: (doc: Record<string, unknown>) => string[]): CollectionAfterDeleteHook =>
  async ({ doc, req }) => {
    await revalidateAfterCommit(req, tagsFor(doc))
    return doc
  }

export const revalidateGlobal =
  (tags: string[]): GlobalAfterChangeHook =>
  async ({ doc, req }) => {
    await revalidateAfterCommit(req, tags)
    return doc
  }
