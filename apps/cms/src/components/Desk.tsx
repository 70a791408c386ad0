/**
 * "My desk" (/admin/desk): what needs this person now, one section per stage they act on or wait
 * for. Editors: guides waiting for editorial review, in medical review (with whom), signed off and
 * ready to publish, with changes requested, and drafts (with their "needs content" markers). Reviewers: guides assigned to them for medical
 * review. Each entry says who moved it last and when. Everyone: reviews overdue or due within 30 days, and guides flagged for re-review.
 * Admins: reviewers whose credentials verification lapses within 60 days (or already has).
 */
import type { AdminViewServerProps, Where } from 'payload'
import type { Article } from '@runsense/types'
import { Gutter } from '@payloadcms/ui'
import Link from 'next/link'
import type { Reviewer } from '@runsense/types'
import { EVENT_LABELS } from '@runsense/domain/workflow'
import { placeholderNotesOf } from '@runsense/domain/lexical'
import { isAdminUser, isEditorUser } from '../access/roles'
import { AdminFrame } from './AdminFrame'
import { JobsHealth } from './JobsHealth'
import { NewsletterOnDesk } from './NewsletterOnDesk'
import { reviewersWithoutPasskey } from '../lib/passkeys'
import { staffTime } from '../lib/staffTime'
import { citedSources, signOffHolds } from '../collections/Articles/content'

const day = (iso?: string | null) => (iso ? new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso)) : '—')

type Moved = Map<number, { by: string | null; at: string; action: string }>

function Section({
  id,
  title,
  empty,
  guides,
  extra,
  moved,
}: {
  id: string
  title: string
  empty: string
  guides: Article[]
  extra?: (g: Article) => React.ReactNode
  moved: Moved
}) {
  return (
    <section aria-labelledby={id} data-testid={id} style={{ marginBottom: '2rem' }}>
      <h2 id={id}>
        {title} ({guides.length})
      </h2>
      {guides.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul>
          {guides.map((g) => (
            <li key={g.id}>
              <Link href={`/admin/collections/articles/${g.id}`}>{g.title || 'Untitled guide'}</Link>
              {extra ? <> — {extra(g)}</> : null}
              {moved.get(g.id) ? (
                <span className="desk__moved" data-testid="desk-moved">
                  {' '}
                  · {EVENT_LABELS[moved.get(g.id)!.action as keyof typeof EVENT_LABELS] ?? moved.get(g.id)!.action.replace(/_/g, ' ')} by {moved.get(g.id)!.by ?? 'the system'},{' '}
                  {staffTime(moved.get(g.id)!.at)}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** /admin/desk: a view of its own, so it brings the admin's frame (header, navigation). */
export function Desk(props: AdminViewServerProps) {
  return (
    <AdminFrame {...props}>
      <DeskDashboard {...props} />
    </AdminFrame>
  )
}

/** /admin itself: Payload frames the dashboard view already (a second frame showed two headers). */
export async function DeskDashboard({ initPageResult }: AdminViewServerProps) {
  const { req } = initPageResult
  const user = req.user as (typeof req.user & { role?: string; reviewer?: number | { id: number } | null }) | null
  const payload = req.payload
  const find = async (where: Where, draft = true, sort = 'nextReviewDue') =>
    (await payload.find({ collection: 'articles', where, draft, depth: 0, joins: false, limit: 100, sort, overrideAccess: false, user: req.user })).docs as Article[]

  const reviewerId = user?.reviewer ? (typeof user.reviewer === 'object' ? user.reviewer.id : user.reviewer) : null
  const soon = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000).toISOString()
  const [editorial, changes, inMedical, signedOff, assigned, due, flagged, scheduled, scheduleFailed, drafts] = await Promise.all([
    isEditorUser(user) ? find({ stage: { equals: 'editorial_review' } }) : Promise.resolve(null),
    isEditorUser(user) ? find({ stage: { equals: 'changes_requested' } }) : Promise.resolve(null),
    isEditorUser(user) ? find({ stage: { equals: 'medical_review' } }) : Promise.resolve(null),
    isEditorUser(user) ? find({ stage: { equals: 'approved' } }) : Promise.resolve(null),
    reviewerId ? find({ and: [{ stage: { equals: 'medical_review' } }, { assignedReviewer: { equals: reviewerId } }] }) : Promise.resolve(null),
    find({ and: [{ _status: { equals: 'published' } }, { nextReviewDue: { less_than: soon } }] }, false),
    find({ 'reviewFlag.flagged': { equals: true } }),
    find({ 'scheduledPublish.at': { exists: true } }),
    find({ 'scheduledPublish.error': { exists: true } }),
    // Drafts, most recently edited first (an untitled one nobody used is removed by the emptyDrafts job).
    isEditorUser(user) ? find({ stage: { equals: 'draft' } }, true, '-updatedAt') : Promise.resolve(null),
  ])
  // A sign-off stops matching when a source the guide cites changes (its own text cannot change
  // without voiding it), computed as the workflow does: such a guide is not ready to publish.
  // One read of their sources: each hash takes only the sources its guide cites.
  const sources = signedOff?.length ? await citedSources(req, signedOff) : []
  const stillSigned = (g: Article) => signOffHolds(g, sources)
  const ready = signedOff?.filter(stillSigned) ?? null
  const unmatched = signedOff?.filter((g) => !stillSigned(g)) ?? null
  const now = Date.now()
  // Who moved each listed guide last, and when: the newest workflow event of each.
  const listed = [...new Set([editorial, changes, inMedical, signedOff, assigned, due, flagged, scheduled, scheduleFailed, drafts].flatMap((l) => (l ?? []).map((g) => g.id)))]
  const moved: Moved = new Map()
  if (listed.length) {
    const { docs: events } = await payload.find({
      collection: 'workflow-events',
      where: { article: { in: listed } },
      sort: '-createdAt',
      limit: 1000,
      depth: 0,
      overrideAccess: false,
      user: req.user,
    })
    for (const e of events) if (!moved.has(e.article)) moved.set(e.article, { by: e.actorName ?? null, at: e.createdAt, action: e.action })
  }
  // The reviewer each guide in medical review waits for.
  const reviewerIdsInReview = [
    ...new Set(
      (inMedical ?? []).map((g) => (typeof g.assignedReviewer === 'object' ? g.assignedReviewer?.id : g.assignedReviewer)).filter((r): r is number => typeof r === 'number'),
    ),
  ]
  const reviewerNames = new Map(
    reviewerIdsInReview.length
      ? (
          await payload.find({
            collection: 'reviewers',
            where: { id: { in: reviewerIdsInReview } },
            depth: 0,
            limit: reviewerIdsInReview.length,
            overrideAccess: false,
            user: req.user,
          })
        ).docs.map((r) => [r.id, r.name] as const)
      : [],
  )
  // Readers' reports about live guides, per guide (most reported first), for editors to close with an outcome.
  const reports = isEditorUser(user)
    ? await payload.find({
        collection: 'reader-reports',
        where: { status: { equals: 'open' } },
        sort: 'createdAt',
        depth: 1,
        limit: REPORTS_SHOWN,
        overrideAccess: false,
        user: req.user,
      })
    : null
  const reportsByGuide = reports ? groupReports(reports.docs) : []
  // Admins keep reviewers verified: a lapsed verification stops that reviewer's sign-offs.
  const expiring = isAdminUser(user)
    ? ((
        await payload.find({
          collection: 'reviewers',
          where: { or: [{ 'verification.expiresAt': { less_than: new Date(now + 60 * 24 * 60 * 60 * 1000).toISOString() } }, { 'verification.expiresAt': { exists: false } }] },
          sort: 'verification.expiresAt',
          depth: 0,
          limit: 100,
          overrideAccess: false,
          user: req.user,
        })
      ).docs as Reviewer[])
    : null
  // Admins see which reviewers cannot sign with a passkey yet.
  const keyless = isAdminUser(user) ? await reviewersWithoutPasskey(payload) : null

  return (
    <Gutter>
      <h1 style={{ margin: '1.5rem 0' }}>My desk</h1>
      {editorial ? <Section id="desk-editorial" title="Waiting for editorial review" empty="Nothing is waiting for editorial review." guides={editorial} moved={moved} /> : null}
      {assigned ? <Section id="desk-assigned" title="Assigned to you for medical review" empty="Nothing is assigned to you." guides={assigned} moved={moved} /> : null}
      {inMedical ? (
        <Section
          id="desk-medical"
          title="In medical review"
          empty="No guide is in medical review."
          guides={inMedical}
          moved={moved}
          extra={(g) => {
            const r = typeof g.assignedReviewer === 'object' ? g.assignedReviewer?.id : g.assignedReviewer
            return <span>with {(r && reviewerNames.get(r)) || 'no reviewer'}</span>
          }}
        />
      ) : null}
      {ready ? <Section id="desk-signed-off" title="Signed off — ready to publish" empty="No signed-off guide is waiting to be published." guides={ready} moved={moved} /> : null}
      {unmatched?.length ? (
        <Section
          id="desk-sign-off-unmatched"
          title="Signed off, but a cited source changed since"
          empty=""
          guides={unmatched}
          moved={moved}
          extra={() => <strong>the sign-off no longer matches: start a re-review (its workflow panel) to have it signed again</strong>}
        />
      ) : null}
      {changes ? <Section id="desk-changes" title="Changes requested" empty="No guide has changes requested." guides={changes} moved={moved} /> : null}
      {drafts ? (
        <Section
          id="desk-drafts"
          title="Drafts"
          empty="No guide is in draft."
          guides={drafts}
          moved={moved}
          extra={(g) => {
            const toWrite = placeholderNotesOf(g.body).length
            return (
              <span>
                last edited {staffTime(g.updatedAt)}
                {toWrite ? <strong>{` · ${toWrite} ${toWrite === 1 ? 'section' : 'sections'} still marked "needs content"`}</strong> : null}
              </span>
            )
          }}
        />
      ) : null}
      <Section
        id="desk-due"
        title="Reviews overdue or due within 30 days"
        empty="No review is due in the next 30 days."
        guides={due}
        moved={moved}
        extra={(g) => (
          <span>
            {g.nextReviewDue && new Date(g.nextReviewDue).getTime() < now ? <strong>Overdue since {day(g.nextReviewDue)}</strong> : <>due {day(g.nextReviewDue)}</>}
            {' · '}last reviewed {day(g.lastReviewedAt)}
          </span>
        )}
      />
      <Section
        id="desk-schedule-failed"
        title="Scheduled publishing failed"
        empty="No scheduled publish has failed."
        guides={scheduleFailed}
        moved={moved}
        extra={(g) => <strong>{g.scheduledPublish?.error}</strong>}
      />
      <Section
        id="desk-scheduled"
        title="Scheduled to publish"
        empty="Nothing is scheduled."
        guides={scheduled}
        moved={moved}
        extra={(g) => <span>at {g.scheduledPublish?.at ? staffTime(g.scheduledPublish.at) : '—'}</span>}
      />
      {reports ? (
        <section aria-labelledby="desk-reports" data-testid="desk-reports" style={{ marginBottom: '2rem' }}>
          <h2 id="desk-reports">Open reader reports ({reports.totalDocs})</h2>
          {reports.totalDocs === 0 ? (
            <p>No open report from readers.</p>
          ) : (
            <ul>
              {reportsByGuide.map(({ key, guide, slug, items }) => (
                <li key={key} data-testid="desk-report-guide">
                  {guide ? <Link href={`/admin/collections/articles/${guide.id}`}>{guide.title}</Link> : slug}:{' '}
                  {items.length === 1 ? '1 open report' : `${items.length} open reports`}
                  <ul>
                    {items.map((r) => (
                      <li key={r.id}>
                        <Link href={`/admin/collections/reader-reports/${r.id}`}>{day(r.createdAt)}</Link>: “{r.message.slice(0, 160)}”
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
          {reports.totalDocs > reports.docs.length ? (
            <p>
              The oldest {reports.docs.length} are shown here.{' '}
              <Link href="/admin/collections/reader-reports?where[status][equals]=open&sort=createdAt">All {reports.totalDocs} open reports</Link>
            </p>
          ) : null}
        </section>
      ) : null}
      <Section id="desk-flagged" title="Flagged for re-review" empty="No guide is flagged." guides={flagged} moved={moved} extra={(g) => <span>{g.reviewFlag?.reason}</span>} />
      <NewsletterOnDesk req={req} />
      {expiring ? (
        <section aria-labelledby="desk-verification" data-testid="desk-verification" style={{ marginBottom: '2rem' }}>
          <h2 id="desk-verification">Reviewer verifications lapsing within 60 days ({expiring.length})</h2>
          {expiring.length === 0 ? (
            <p>Every reviewer's credentials are verified for the next 60 days.</p>
          ) : (
            <ul>
              {expiring.map((r) => (
                <li key={r.id}>
                  <Link href={`/admin/collections/reviewers/${r.id}`}>{r.name}</Link> —{' '}
                  {!r.verification?.expiresAt ? (
                    <strong>never verified: cannot sign off</strong>
                  ) : new Date(r.verification.expiresAt).getTime() < now ? (
                    <strong>lapsed on {day(r.verification.expiresAt)}: cannot sign off</strong>
                  ) : (
                    <>lapses on {day(r.verification.expiresAt)}</>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {keyless ? (
        <section aria-labelledby="desk-passkeys" data-testid="desk-passkeys" style={{ marginBottom: '2rem' }}>
          <h2 id="desk-passkeys">Reviewers without a passkey ({keyless.length})</h2>
          {keyless.length === 0 ? (
            <p>Every reviewer signs off with a passkey.</p>
          ) : (
            <ul>
              {keyless.map((u) => (
                <li key={u.id}>
                  <Link href={`/admin/collections/users/${u.id}`}>{u.name}</Link> — their sign-offs are not signed
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {isAdminUser(user) ? <JobsHealth payload={payload} /> : null}
    </Gutter>
  )
}

/** The link to the desk at the top of the admin's navigation. */
export function DeskNavLink() {
  return (
    <Link href="/admin/desk" className="nav__link" id="nav-desk" style={{ fontWeight: 600 }}>
      My desk
    </Link>
  )
}

/** How many open reports the desk lists (the oldest first); the rest are a link away. */
const REPORTS_SHOWN = 200

type OpenReport = { id: number | string; createdAt: string; message: string; guideSlug?: string | null; article?: unknown }

/** Open reports per guide, the guide with the most first (then the one reported earliest). */
function groupReports<R extends OpenReport>(docs: R[]) {
  const groups = new Map<string, { key: string; guide: { id: number | string; title: string } | null; slug: string; items: R[] }>()
  for (const r of docs) {
    const guide = r.article && typeof r.article === 'object' ? (r.article as { id: number | string; title: string }) : null
    const key = guide ? `a${guide.id}` : `s${r.guideSlug ?? ''}`
    const group = groups.get(key) ?? { key, guide, slug: r.guideSlug ?? '', items: [] }
    group.items.push(r)
    groups.set(key, group)
  }
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length)
}
