import type { GlobalConfig } from 'payload'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { anyone, editors } from '../access'
import { revalidateGlobal } from '../lib/revalidateHooks'
import { plainEditor } from '../editor'
import { auditedChanges } from '../collections/AuditLog'

const POLICY_FIELDS = ['title', 'summary', 'body'] as const

/** The public editorial policy (/about/editorial-policy): how guides are written and reviewed. */
export const EditorialPolicy: GlobalConfig = {
  slug: 'editorial-policy',
  access: { read: anyone, update: editors },
  hooks: {
    afterChange: [
      // The publication's public promise to readers: who changed it, from what, to what.
      auditedChanges('editorial-policy', POLICY_FIELDS, () => 'Editorial policy').afterChange,
      revalidateGlobal(tagsForChange({ kind: 'editorialPolicy' })),
    ],
  },
  fields: [
    { name: 'title', type: 'text', required: true, defaultValue: 'Editorial policy' },
    { name: 'summary', type: 'textarea' },
    { name: 'body', type: 'richText', required: true, editor: plainEditor },
  ],
}
