import type { CollectionConfig } from 'payload'
import { formatSource, isValidDoi, isValidPmid, sourceLabel, type SourceData } from '@runsense/domain/sources'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { admins, anyone, editors } from '../../access'
import { revalidateOnChange, revalidateOnDelete } from '../../lib/revalidateHooks'
import { flagCitingGuides } from './hooks/flagCitingGuides'

/** A cited work. Structured so the site renders every source in one style. */
export const Sources: CollectionConfig = {
  slug: 'sources',
  admin: {
    // The picker's options and search: "Gabbett 2016 — The training-injury prevention paradox…",
    // found by any author, the title, the year, the DOI or the PMID.
    useAsTitle: 'label',
    listSearchableFields: ['label', 'title', 'doi', 'pmid'],
    defaultColumns: ['label', 'container', 'year'],
  },
  access: {
    read: anyone,
    create: editors,
    update: editors,
    // A deleted source would leave citations pointing nowhere in published guides.
    delete: admins,
  },
  hooks: {
    afterChange: [flagCitingGuides, revalidateOnChange(() => tagsForChange({ kind: 'source' }))],
    afterDelete: [revalidateOnDelete(() => tagsForChange({ kind: 'source' }))],
  },
  fields: [
    {
      // Written on every save from the fields below (sourceLabel): what the source picker shows and searches.
      name: 'label',
      type: 'text',
      index: true,
      admin: { readOnly: true, hidden: true },
      // Whatever a request sends for it is replaced by the hook.
      hooks: { beforeChange: [({ siblingData, originalDoc }) => sourceLabel({ ...(originalDoc ?? {}), ...siblingData } as SourceData)] },
    },
    {
      name: 'authors',
      type: 'text',
      hasMany: true,
      admin: { description: 'One per entry, as "Surname Initials", e.g. "Gabbett TJ".' },
    },
    { name: 'title', type: 'text', required: true },
    { name: 'container', label: 'Journal or publisher', type: 'text' },
    {
      type: 'row',
      fields: [
        { name: 'year', type: 'number', min: 1800, max: 2100 },
        { name: 'volume', type: 'text' },
        { name: 'issue', type: 'text' },
        { name: 'pages', type: 'text' },
      ],
    },
    {
      name: 'doi',
      label: 'DOI',
      type: 'text',
      validate: (v: unknown) => !v || (typeof v === 'string' && isValidDoi(v)) || 'A DOI looks like 10.1136/bjsports-2015-095788.',
    },
    {
      name: 'pmid',
      label: 'PMID',
      type: 'text',
      validate: (v: unknown) => !v || (typeof v === 'string' && isValidPmid(v)) || 'A PubMed ID is 1 to 8 digits.',
    },
    { name: 'url', label: 'URL', type: 'text' },
    {
      name: 'note',
      type: 'text',
      admin: { description: 'Shown after the citation, e.g. "Review of training-load and injury research (team-sport origin)".' },
    },
    {
      name: 'retracted',
      type: 'checkbox',
      defaultValue: false,
      admin: { position: 'sidebar', description: 'A retracted source blocks publishing every guide that cites it.' },
    },
    { name: 'retractionNote', type: 'textarea', admin: { position: 'sidebar', condition: (data) => Boolean(data?.retracted) } },
    {
      name: 'formatted',
      type: 'text',
      virtual: true,
      admin: { readOnly: true, description: 'How readers see this source.' },
      hooks: { afterRead: [({ siblingData }) => (siblingData?.title ? formatSource(siblingData as SourceData) : undefined)] },
    },
  ],
}
