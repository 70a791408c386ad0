import type { TaskConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { execute } from '../lib/db'

/** How long an untitled, untouched guide may stay before it is removed (minutes). */
export const emptyDraftMaxAgeMinutes = () => {
  const n = Number(process.env.EMPTY_DRAFT_MAX_AGE_MINUTES)
  return Number.isFinite(n) && n >= 0 ? n : 60
}

/**
 * Removes the empty guides that "Create new" leaves behind when an editor backs out. With
 * autosave on, Payload creates the record as soon as the create view opens (it needs an id to
 * autosave into), so "no record until the first real save" would mean giving up autosave; a
 * clean-up is the smaller change. Removed: a guide that has never had a title, a summary or any
 * body text in any version, was not saved for EMPTY_DRAFT_MAX_AGE_MINUTES, was never published, never entered the workflow (no audit event), and was created more than
 * EMPTY_DRAFT_MAX_AGE_MINUTES ago (default 60, so an editor still typing is never touched).
 */
export const emptyDraftsTask: TaskConfig<'emptyDrafts'> = {
  slug: 'emptyDrafts',
  label: 'Remove empty guides left by "Create new"',
  schedule: [{ cron: process.env.EMPTY_DRAFTS_CRON || '0 * * * * *', queue: 'default' }],
  retries: 1,
  inputSchema: [],
  handler: async ({ req }) => {
    const minutes = emptyDraftMaxAgeMinutes()
    const rows = (await execute(
      req,
      sql`select a.id from articles a
          where coalesce(trim(a.title), '') = ''
            and a.created_at < now() - make_interval(mins => ${minutes})
            and a.updated_at < now() - make_interval(mins => ${minutes})
            and not exists (
              select 1 from _articles_v v where v.parent_id = a.id and (
                v.version__status = 'published'
                or coalesce(trim(v.version_title), '') <> ''
                or coalesce(trim(v.version_summary), '') <> ''
                or coalesce(v.version_body::text, '') ~ '"text": ?"[^"]'
              )
            )
            and not exists (select 1 from workflow_events e where e.article = a.id)
          limit 200`,
    )) as { id: number }[]
    for (const { id } of rows) {
      await req.payload.delete({ collection: 'articles', id, overrideAccess: true, req })
    }
    return { output: { removed: rows.length } }
  },
}
