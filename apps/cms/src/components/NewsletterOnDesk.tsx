/**
 * The desk's newsletter section: issues sending now (with their progress) and scheduled ones.
 * Server-rendered from the same numbers as GET /api/newsletter-issues/:id/progress.
 */
import type { PayloadRequest } from 'payload'
import Link from 'next/link'
import { isStaffUser } from '../access/roles'
import { progressOfIssue } from '../collections/NewsletterIssues/send'
import { staffTime } from '../lib/staffTime'

export async function NewsletterOnDesk({ req }: { req: PayloadRequest }) {
  if (!isStaffUser(req.user)) return null
  const { docs } = await req.payload.find({
    collection: 'newsletter-issues',
    where: { status: { in: ['sending', 'scheduled'] } },
    depth: 0,
    limit: 20,
    sort: 'scheduledFor',
    select: { subject: true, status: true, scheduledFor: true },
    overrideAccess: false,
    user: req.user,
  })
  const rows = await Promise.all(docs.map(async (d) => ({ d, p: d.status === 'sending' ? await progressOfIssue(req, d.id) : null })))
  return (
    <section aria-labelledby="desk-newsletter" data-testid="desk-newsletter" style={{ marginBottom: '2rem' }}>
      <h2 id="desk-newsletter">Newsletter ({rows.length})</h2>
      {rows.length === 0 ? (
        <p>No issue is sending or scheduled.</p>
      ) : (
        <ul>
          {rows.map(({ d, p }) => (
            <li key={d.id}>
              <Link href={`/admin/collections/newsletter-issues/${d.id}`}>{d.subject}</Link>
              {p ? (
                <>
                  {' — sending: '}
                  <progress max={p.recipients || 1} value={p.sent + p.failed + p.suppressed} aria-label={`${d.subject}: sent so far`} /> sent {p.sent} of {p.recipients} · failed{' '}
                  {p.failed} · suppressed {p.suppressed} · remaining {p.remaining}
                </>
              ) : (
                <> — scheduled for {d.scheduledFor ? staffTime(d.scheduledFor) : '—'}</>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
