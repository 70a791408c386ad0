import type { CollectionAfterDeleteHook, CollectionConfig, PayloadRequest } from 'payload'
import { admins, nobody } from '../../access'

/**
 * The audit log of changes to records readers trust outside a guide's own sign-off (a
 * reviewer's name, role, credentials and bio; a topic's name, address and description; the
 * editorial policy): who changed what, from what, to what, and when.
 * Written only by server hooks (overrideAccess, in the change's own transaction); no API can
 * change or delete an entry, and a database trigger (migration) refuses it too.
 */
export const AuditLog: CollectionConfig = {
  slug: 'audit-log',
  labels: { singular: 'Audit entry', plural: 'Audit log' },
  graphQL: { singularName: 'AuditLogEntry', pluralName: 'AuditLogEntries' },
  admin: { useAsTitle: 'summary', defaultColumns: ['createdAt', 'summary', 'actorName'], group: 'Editorial' },
  access: { read: admins, create: nobody, update: nobody, delete: nobody },
  timestamps: true,
  fields: [
    { name: 'entity', type: 'text', required: true, index: true, admin: { description: 'Collection slug, e.g. "reviewers".' } },
    { name: 'entityId', type: 'number', required: true, index: true },
    { name: 'action', type: 'select', required: true, options: ['create', 'update', 'delete'].map((a) => ({ label: a, value: a })) },
    { name: 'summary', type: 'text', required: true },
    { name: 'changes', type: 'json', admin: { description: '{ field: { from, to } } for each changed field.' } },
    { name: 'actor', type: 'number', admin: { description: 'User id (null for the system).' } },
    { name: 'actorName', type: 'text' },
  ],
}

/** Records one change in the audit log, in the request's transaction (it commits with the change or not at all). */
export async function recordAudit(
  req: PayloadRequest,
  entry: { entity: string; entityId: number; action: 'create' | 'update' | 'delete'; summary: string; changes?: Record<string, { from: unknown; to: unknown }> },
) {
  const user = req.user as { id?: number; name?: string } | null
  await req.payload.create({
    collection: 'audit-log',
    data: { ...entry, actor: typeof user?.id === 'number' ? user.id : null, actorName: user?.name ?? null },
    overrideAccess: true, // written only here, by the server
    req,
  })
}

/** The fields that differ between two versions of a record, as { field: { from, to } }. */
export function changedFields(before: Record<string, unknown> | undefined, after: Record<string, unknown>, fields: readonly string[]) {
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const f of fields) {
    const from = before?.[f] ?? null
    const to = after[f] ?? null
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[f] = { from, to }
  }
  return changes
}

/**
 * The hooks that put a record readers trust in the audit log: each change of `fields` (from what,
 * to what) and its deletion, named by `label` ("Reviewer Jane Doe: changed role"). The afterChange
 * hook serves a global too (a global is only ever updated).
 */
export function auditedChanges(entity: string, fields: readonly string[], label: (doc: Record<string, unknown>) => string) {
  type Change = { doc: Record<string, unknown>; previousDoc?: Record<string, unknown>; operation?: 'create' | 'update'; req: PayloadRequest }
  const afterChange = async ({ doc, previousDoc, operation = 'update', req }: Change) => {
    const changes = changedFields(operation === 'create' ? undefined : previousDoc, doc, fields)
    if (Object.keys(changes).length) {
      const summary = `${label(doc)}: ${operation === 'create' ? 'created' : `changed ${Object.keys(changes).join(', ')}`}`
      await recordAudit(req, { entity, entityId: Number(doc.id ?? 0), action: operation, summary, changes })
    }
    return doc
  }
  const afterDelete: CollectionAfterDeleteHook = async ({ doc, req }) => {
    await recordAudit(req, { entity, entityId: doc.id, action: 'delete', summary: `${label(doc)}: deleted` })
  }
  return { afterChange, afterDelete }
}
