/**
 * Starting, scheduling and cancelling a send: one function per kind of write, each deciding
 * (domain rules) → applying (one transaction, issue row locked) → recording (the issue's log).
 * The endpoints and the watcher job call these; nothing else changes an issue's status.
 */
import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import type { Article, Reviewer, User } from '@runsense/types'
import { type IssueAction, type IssueStatus, type Progress, decideIssueAction, progressOf } from '@runsense/domain/newsletter'
import { tagsForChange } from '@runsense/domain/cache-tags'
import { roleOf } from '../../access/roles'
import { execute, inTransaction } from '../../lib/db'
import { serverWriteReq } from '../../lib/serverWrite'
import { revalidateAfterCommit } from '../../lib/revalidate'
import { staffTime } from '../../lib/staffTime'
import { cmsLink, editorUsers, queueNotice } from '../Articles/notifications'
import { citedSources, signOffHolds } from '../Articles/content'
import { suppressedSql } from '../NewsletterSuppressions/suppression'
import { type IssueContent, renderIssue } from './email'
import { siteUrl } from './message'

export const workersPerSend = () => Math.max(1, Number(process.env.NEWSLETTER_WORKERS) || 2)

export type Outcome = { status: number; body: Record<string, unknown> }
const refuse = (status: number, error: string, extra: Record<string, unknown> = {}): Outcome => ({ status, body: { error, ...extra } })

type IssueRow = {
  id: number
  subject: string
  slug: string
  preheader?: string | null
  intro?: string | null
  status: IssueStatus
  featuredGuide: number | Article
  alsoWorthReading?: (number | Article)[] | null
  scheduledFor?: string | null
  scheduledBy?: number | null
  log?: { action: string; by?: number | null; byEmail?: string | null; at: string; detail?: string | null }[] | null
  rendered?: { html: string; text: string } | null
  content?: IssueContent | null
}

const idOf = (v: unknown) => (typeof v === 'object' && v !== null ? (v as { id: number }).id : (v as number))

async function lockIssue(req: PayloadRequest, id: number): Promise<IssueRow | null> {
  const rows = await execute(req, sql`select id from newsletter_issues where id = ${id} for update`)
  if (!rows.length) return null
  return (await req.payload.findByID({ collection: 'newsletter-issues', id, depth: 0, overrideAccess: true, req })) as unknown as IssueRow
}

/** The live guide as readers see it, or why it cannot be sent. Reuses the CMS's content hash. */
async function liveGuide(req: PayloadRequest, id: number, label: string): Promise<{ guide?: Article; missing: string[] }> {
  const guide = (await req.payload.findByID({ collection: 'articles', id, depth: 0, draft: false, overrideAccess: true, disableErrors: true, req })) as Article | null
  if (!guide) return { missing: [`${label} no longer exists.`] }
  if (guide._status !== 'published') return { missing: [`${label} "${guide.title}" is not published: only a live guide can be sent.`] }
  if (!guide.signOff?.hash) return { missing: [`${label} "${guide.title}" has no medical sign-off.`] }
  if (!signOffHolds(guide, await citedSources(req, [guide]))) {
    return { missing: [`${label} "${guide.title}" has changed since its medical sign-off: it needs a new sign-off before it can be sent.`] }
  }
  return { guide, missing: [] }
}

/** What the email will say, from the live guides; or the sentences saying what is missing. */
export async function issueContent(req: PayloadRequest, issue: IssueRow): Promise<{ content?: IssueContent; missing: string[] }> {
  const missing: string[] = []
  if (!issue.subject?.trim()) missing.push('A subject.')
  if (!issue.featuredGuide) return { missing: [...missing, 'A featured guide.'] }
  const featured = await liveGuide(req, idOf(issue.featuredGuide), 'The featured guide')
  missing.push(...featured.missing)
  const also: IssueContent['also'] = []
  for (const a of issue.alsoWorthReading ?? []) {
    const g = await liveGuide(req, idOf(a), 'An "also worth reading" guide')
    missing.push(...g.missing)
    if (g.guide) also.push({ title: g.guide.title, summary: g.guide.summary ?? '', url: `${siteUrl()}/guides/${g.guide.slug}` })
  }
  if (missing.length || !featured.guide) return { missing }
  const g = featured.guide
  const reviewerId = idOf(g.reviewer)
  const reviewer = reviewerId
    ? ((await req.payload.findByID({ collection: 'reviewers', id: reviewerId, depth: 0, overrideAccess: true, disableErrors: true, req })) as Reviewer | null)
    : null
  return {
    missing,
    content: {
      subject: issue.subject,
      preheader: issue.preheader ?? '',
      intro: issue.intro ?? '',
      webUrl: `${siteUrl()}/newsletter/issues/${issue.slug}`,
      featured: {
        title: g.title,
        summary: g.summary ?? '',
        url: `${siteUrl()}/guides/${g.slug}`,
        reviewer: reviewer ? { name: reviewer.name, role: reviewer.role } : null,
        lastReviewedAt: g.lastReviewedAt ?? null,
      },
      also,
    },
  }
}

/** The request-context flag of the writes below: they never re-validate the guides an editor chose (index.ts). */
export const ISSUE_SERVER_WRITE = 'newsletterIssueServerWrite'

const logEntry = (action: string, actor: User | null, detail?: string) => ({
  action,
  by: actor?.id ?? null,
  byEmail: actor?.email ?? 'system',
  at: new Date().toISOString(),
  detail: detail ?? null,
})

async function writeIssue(req: PayloadRequest, issue: IssueRow, data: Record<string, unknown>, entry: ReturnType<typeof logEntry>) {
  await req.payload.update({
    collection: 'newsletter-issues',
    id: issue.id,
    data: { ...data, log: [...(issue.log ?? []).map(({ action, by, byEmail, at, detail }) => ({ action, by, byEmail, at, detail })), entry] },
    depth: 0,
    overrideAccess: true,
    // A guide the issue names may have been unpublished or deleted since it was chosen (index.ts).
    req: serverWriteReq(req, { [ISSUE_SERVER_WRITE]: true }),
  })
}

/** Confirmed and not suppressed: who would get the issue if it were sent now. */
export async function eligibleCount(req: PayloadRequest): Promise<number> {
  const [row] = await execute(req, sql`select count(*)::int as n from subscribers s where s.status = 'confirmed' and not ${suppressedSql(sql.raw('s.email'))}`)
  return Number(row?.n ?? 0)
}

function decide(actor: User | null, action: IssueAction, issue: IssueRow): Outcome | null {
  const d = decideIssueAction(roleOf(actor as PayloadRequest['user']), action, issue.status)
  return d.ok ? null : refuse(d.status, d.error)
}

/**
 * Sends now: freezes the content and the recipients (one delivery row each, in the same
 * transaction) and queues the batch jobs. A failed gate changes nothing and answers 422.
 */
export async function startSending(req: PayloadRequest, id: number, actor: User | null, { asScheduled = false } = {}): Promise<Outcome> {
  return inTransaction(req, async () => {
    const issue = await lockIssue(req, id)
    if (!issue) return refuse(404, 'No such issue.')
    if (!asScheduled) {
      const refused = decide(actor, 'send', issue)
      if (refused) return refused
    } else if (issue.status !== 'scheduled') {
      return refuse(409, `This issue is ${issue.status}; the scheduled send was skipped.`)
    }
    const { content, missing } = await issueContent(req, issue)
    if (!content) return refuse(422, 'This issue cannot be sent yet.', { missing })
    const rendered = await renderIssue(content)
    const [{ n }] = (await execute(
      req,
      sql`with added as (
            insert into newsletter_deliveries (issue_id, subscriber_id)
            select ${id}, s.id from subscribers s
            where s.status = 'confirmed' and not ${suppressedSql(sql.raw('s.email'))}
            order by s.id
            on conflict (issue_id, subscriber_id) do nothing
            returning 1)
          select count(*)::int as n from added`,
    )) as { n: number }[]
    const now = new Date().toISOString()
    await writeIssue(
      req,
      issue,
      { status: 'sending', startedAt: now, recipients: n, content, rendered, scheduledFor: null },
      logEntry(asScheduled ? 'scheduled send started' : 'send', actor, `${n} recipients`),
    )
    // Queued in the same transaction: the jobs exist only if the send does.
    for (let i = 0; i < workersPerSend(); i++) {
      await req.payload.jobs.queue({ task: 'newsletterBatch', queue: 'newsletter', input: { issue: id }, req })
    }
    // The web version every email links to opens now (a 404 for it may be cached until then).
    await revalidateAfterCommit(req, tagsForChange({ kind: 'newsletterIssue', slugs: [issue.slug] }))
    return { status: 202, body: { status: 'sending', recipients: n } }
  })
}

/** Schedules (or re-times) a send; the watcher job starts it when the time comes. */
export async function scheduleSending(req: PayloadRequest, id: number, actor: User, at: Date): Promise<Outcome> {
  return inTransaction(req, async () => {
    const issue = await lockIssue(req, id)
    if (!issue) return refuse(404, 'No such issue.')
    const refused = decide(actor, 'schedule', issue)
    if (refused) return refused
    const { missing } = await issueContent(req, issue)
    if (missing.length) return refuse(422, 'This issue cannot be sent yet.', { missing })
    await writeIssue(req, issue, { status: 'scheduled', scheduledFor: at.toISOString(), scheduledBy: actor.id }, logEntry('schedule', actor, `for ${at.toISOString()}`))
    return { status: 202, body: { status: 'scheduled', recipients: await eligibleCount(req), at: at.toISOString() } }
  })
}

/**
 * A scheduled send whose gate fails at its time goes back to draft, with the reason recorded, and
 * whoever scheduled it is emailed (the editors, when that account is gone): nobody is waiting
 * for an issue that silently did not go out.
 */
export async function refuseScheduled(req: PayloadRequest, id: number, reason: string) {
  await inTransaction(req, async () => {
    const issue = await lockIssue(req, id)
    if (issue?.status !== 'scheduled') return
    await writeIssue(req, issue, { status: 'draft', scheduledFor: null }, logEntry('scheduled send refused', null, reason))
    const scheduler = issue.scheduledBy
      ? await req.payload.findByID({ collection: 'users', id: issue.scheduledBy, depth: 0, overrideAccess: true, disableErrors: true, req })
      : null
    await queueNotice(req, scheduler ? [scheduler] : await editorUsers(req), 'newsletter-schedule-refused', `Scheduled newsletter not sent: ${issue.subject}`, [
      `"${issue.subject}" was scheduled to go out at ${issue.scheduledFor ? staffTime(issue.scheduledFor) : 'its scheduled time'}, but it was not sent: ${reason}`,
      'Nobody got it. It is a draft again: fix what is missing, then send it or schedule it again.',
      `Open it: ${cmsLink(issue.id, 'newsletter-issues')}`,
    ])
  })
}

/**
 * Stops a send: what was sent stays recorded, the rest is marked cancelled, and the issue is
 * cancelled for good (an issue is sent once). Cancelling a schedule only unschedules: nothing was
 * sent, so the issue is a draft again, to edit and send or schedule later (a cancelled one could
 * never be sent, and a copy needs a new address, as the slug is unique).
 */
export async function cancelSending(req: PayloadRequest, id: number, actor: User): Promise<Outcome> {
  return inTransaction(req, async () => {
    const issue = await lockIssue(req, id)
    if (!issue) return refuse(404, 'No such issue.')
    const refused = decide(actor, 'cancel', issue)
    if (refused) return refused
    const [{ n }] = (await execute(
      req,
      sql`with c as (update newsletter_deliveries set status = 'cancelled' where issue_id = ${id} and status = 'queued' returning 1) select count(*)::int as n from c`,
    )) as { n: number }[]
    const status = issue.status === 'sending' ? 'cancelled' : 'draft'
    await writeIssue(req, issue, { status, scheduledFor: null }, logEntry('cancel', actor, issue.status === 'sending' ? `${n} deliveries not sent` : 'schedule cancelled'))
    // A cancelled send's web version is withdrawn, as it opened when the send started.
    if (issue.status === 'sending') await revalidateAfterCommit(req, tagsForChange({ kind: 'newsletterIssue', slugs: [issue.slug] }))
    return { status: 200, body: { status } }
  })
}

/** An issue's progress, with the moments the panel shows (ISO, or null). */
export type IssueProgress = Progress & { scheduledFor: string | null; startedAt: string | null; sentAt: string | null }
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null)

export async function progressOfIssue(req: PayloadRequest, id: number): Promise<IssueProgress | null> {
  const [issue] = await execute(req, sql`select status, scheduled_for, started_at, sent_at from newsletter_issues where id = ${id}`)
  if (!issue) return null
  const rows = await execute(req, sql`select status, count(*)::int as n from newsletter_deliveries where issue_id = ${id} group by status`)
  return {
    ...progressOf(issue.status as IssueStatus, Object.fromEntries(rows.map((r) => [r.status as string, Number(r.n)]))),
    scheduledFor: iso(issue.scheduled_for),
    startedAt: iso(issue.started_at),
    sentAt: iso(issue.sent_at),
  }
}

export type { IssueRow }
