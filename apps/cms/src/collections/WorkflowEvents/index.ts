import type { CollectionConfig, PayloadRequest } from 'payload'
import type { WorkflowEvent } from '@runsense/types'
import { STAGES, WORKFLOW_EVENTS } from '@runsense/domain/workflow'
import { nobody, staff } from '../../access'

/**
 * The append-only audit log of the review workflow: every action with who, when, from/to
 * stage, note and content hash. Written only by the server, through recordWorkflowEvent (the
 * workflow's actions, an edit that moves a guide's stage, a cited source's change) and the seed's
 * import; no API can change or delete an entry, and a database trigger (migration) refuses it too.
 */
export const WorkflowEvents: CollectionConfig = {
  slug: 'workflow-events',
  labels: { singular: 'Workflow event', plural: 'Workflow history' },
  admin: {
    useAsTitle: 'action',
    defaultColumns: ['createdAt', 'articleTitle', 'action', 'fromStage', 'toStage', 'actorName'],
    group: 'Editorial',
  },
  access: {
    read: staff,
    create: nobody,
    update: nobody,
    delete: nobody,
  },
  timestamps: true,
  fields: [
    // A plain id, not a relationship: the history outlives a deleted guide.
    { name: 'article', type: 'number', required: true, index: true },
    { name: 'articleTitle', type: 'text' },
    {
      name: 'action',
      type: 'select',
      required: true,
      options: WORKFLOW_EVENTS.map((a) => ({ label: a, value: a })),
    },
    { name: 'fromStage', type: 'select', required: true, options: STAGES.map((s) => ({ label: s, value: s })) },
    { name: 'toStage', type: 'select', required: true, options: STAGES.map((s) => ({ label: s, value: s })) },
    { name: 'actor', type: 'number', admin: { description: 'User id (null for the system).' } },
    { name: 'actorName', type: 'text' },
    { name: 'note', type: 'textarea' },
    { name: 'contentHash', type: 'text' },
    { name: 'reviewer', type: 'number' },
  ],
}

type WorkflowEventEntry = Omit<WorkflowEvent, 'id' | 'createdAt' | 'updatedAt' | 'actor' | 'actorName'> & {
  /** Who acted; the request's signed-in user unless given (a scheduled publish acts for the editor who scheduled it). */
  actor?: { id: number; name: string | null } | null
}

/** Records one workflow event, in the request's transaction (it commits with the change it records or not at all). */
export async function recordWorkflowEvent(req: PayloadRequest, { actor, ...entry }: WorkflowEventEntry) {
  const user = actor === undefined ? (req.user as { id?: number; name?: string } | null) : actor
  await req.payload.create({
    collection: 'workflow-events',
    data: { ...entry, actor: typeof user?.id === 'number' ? user.id : null, actorName: user?.name ?? null },
    overrideAccess: true, // written only here, by the server
    req,
  })
}
