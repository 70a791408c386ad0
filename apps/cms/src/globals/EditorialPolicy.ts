import type { GlobalConfig } from 'payload'
import { anyone, editors } from '../access'
import { plainEditor } from '../editor'

/** The public editorial policy (/about/editorial-policy): how guides are written and reviewed. */
export const EditorialPolicy: GlobalConfig = {
  slug: 'editorial-policy',
  access: { read: anyone, update: editors },
  fields: [
    { name: 'title', type: 'text', required: true, defaultValue: 'Editorial policy' },
    { name: 'summary', type: 'textarea' },
    { name: 'body', type: 'richText', required: true, editor: plainEditor },
  ],
}
