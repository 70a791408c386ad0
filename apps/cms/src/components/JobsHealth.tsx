/**
 * The desk's "Background jobs" section, for admins only (jobs hold email addresses): jobs whose
 * worker stopped (lease expired, not yet handed back), jobs failing and waiting for a retry, and
 * dead jobs (no more retries), each with its last error and a Retry button; plus how many emails were sent again
 * after a crash cut off their first send (jobs/sendEmail.ts).
 */
import type { Payload } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { executeNow } from '../lib/db'
import { jobSettings } from '../jobs/settings'
import { RetryJob } from './RetryJob'
import { FAILED_FOR_GOOD } from '../endpoints/retryJob'

type JobRow = { id: number; task_slug: string; total_tried: number; error: string | null; updated_at: Date; wait_until: Date | null; recipients: string[] | null }

const when = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—')

/**
 * How many times each task is tried before it fails for good: the first try and its retries
 * (Payload's `retries`, a number or `{ attempts }`; it gives up when a failed task has used them all).
 */
const triesAllowed = (payload: Payload) =>
  new Map((payload.config.jobs?.tasks ?? []).map((t) => [t.slug, 1 + ((typeof t.retries === 'object' ? t.retries?.attempts : t.retries) ?? 0)]))

function JobList({ id, title, empty, jobs, tries, retry }: { id: string; title: string; empty: string; jobs: JobRow[]; tries: Map<string, number>; retry?: boolean }) {
  return (
    <section aria-labelledby={id} data-testid={id} style={{ marginBottom: '1.5rem' }}>
      <h3 id={id}>
        {title} ({jobs.length})
      </h3>
      {jobs.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul>
          {jobs.map((j) => (
            <li key={j.id}>
              Job {j.id} ({j.task_slug}
              {j.recipients?.length ? ` to ${j.recipients.slice(0, 3).join(', ')}${j.recipients.length > 3 ? ` and ${j.recipients.length - 3} more` : ''}` : ''}) — tried{' '}
              {j.total_tried}
              {tries.has(j.task_slug) ? ` of ${tries.get(j.task_slug)}` : ''} time{Number(j.total_tried) === 1 && !tries.has(j.task_slug) ? '' : 's'}, last change{' '}
              {when(j.updated_at)}
              {j.wait_until ? `, next try ${when(j.wait_until)}` : ''}
              {j.error ? (
                <>
                  : <strong>{j.error}</strong>
                </>
              ) : null}
              {retry ? <RetryJob id={j.id} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export async function JobsHealth({ payload }: { payload: Payload }) {
  const lease = jobSettings.leaseMs / 1000
  const tries = triesAllowed(payload)
  // Payload writes a retryable failure's error only into the job's log; the job's own `error` holds final ones (and ours, lease expiries).
  // An email job carries one or more emails (jobs/sendEmail.ts): its recipients, for the list.
  const select = sql`select id, task_slug, total_tried::int, updated_at, wait_until,
      (select jsonb_agg(e->'to') filter (where e ? 'to') from jsonb_array_elements(coalesce(j.input->'emails', jsonb_build_array(j.input))) e) as recipients,
      coalesce((select l.error->>'message' from payload_jobs_log l where l._parent_id = j.id and l.state = 'failed' order by l.completed_at desc limit 1), error->>'message') as error
    from payload_jobs j`
  const [stuck, failing, dead, resends] = (await Promise.all([
    executeNow(payload, sql`${select} where processing and completed_at is null and updated_at < now() - make_interval(secs => ${lease}) order by updated_at limit 50`),
    executeNow(
      payload,
      sql`${select} where not processing and completed_at is null and not coalesce(has_error, false) and (total_tried > 0 or error is not null) order by updated_at desc limit 50`,
    ),
    executeNow(payload, sql`${select} where ${FAILED_FOR_GOOD} order by updated_at desc limit 50`),
    executeNow(
      payload,
      sql`select coalesce(sum(resends_after_crash), 0)::int as n, count(*) filter (where state = 'sent')::int as sent from email_deliveries where created_at > now() - interval '7 days'`,
    ),
  ])) as [JobRow[], JobRow[], JobRow[], { n: number; sent: number }[]]
  return (
    <section aria-labelledby="desk-jobs" data-testid="desk-jobs" style={{ marginBottom: '2rem' }}>
      <h2 id="desk-jobs">Background jobs</h2>
      <p>
        Emails sent in the last 7 days: {resends[0]?.sent ?? 0}; sent again after a crash cut off their first send: {resends[0]?.n ?? 0}. A job whose worker stopped is handed back
        after {lease} s.
      </p>
      <JobList id="desk-jobs-stuck" title="Worker stopped, waiting to be handed back" empty="No job is stuck." jobs={stuck} tries={tries} />
      <JobList id="desk-jobs-failing" title="Failing, will be retried" empty="No job is failing." jobs={failing} tries={tries} />
      <JobList id="desk-jobs-dead" title="Failed for good" empty="No job has failed for good." jobs={dead} tries={tries} retry />
    </section>
  )
}
