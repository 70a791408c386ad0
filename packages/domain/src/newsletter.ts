/**
 * Newsletter issues: the pure rules shared by the CMS's endpoints, jobs and tests.
 * Who may do what to an issue in which status, how delivery retries back off, and what a
 * provider's bounce/complaint webhook may send. No I/O here.
 */
import { EXEMPT_NOTICES } from './signed-content'

export const ISSUE_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] as const
export type IssueStatus = (typeof ISSUE_STATUSES)[number]
/** What staff read for each status (the admin's select, list and send panel). */
export const ISSUE_STATUS_LABELS: Record<IssueStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
}
/**
 * The statuses whose web version readers can open: from the moment sending starts (the first
 * emails, which link to it, arrive within a second), not only once the last one has left.
 */
export const PUBLIC_ISSUE_STATUSES = ['sending', 'sent'] as const satisfies readonly IssueStatus[]
export type IssueAction = 'send' | 'schedule' | 'cancel' | 'test'
export type SenderRole = 'admin' | 'editor' | 'reviewer' | null

export type IssueDecision = { ok: true } | { ok: false; status: 401 | 403 | 409; error: string }

/** May this person take this action on an issue in this status? A refusal carries its sentence. */
export function decideIssueAction(role: SenderRole, action: IssueAction, status: IssueStatus): IssueDecision {
  if (role === null) return { ok: false, status: 401, error: 'Please log in.' }
  if (role !== 'admin' && role !== 'editor') return { ok: false, status: 403, error: 'Only editors and admins can send newsletter issues.' }
  if (action === 'test') return { ok: true }
  if (action === 'cancel') {
    return status === 'scheduled' || status === 'sending'
      ? { ok: true }
      : { ok: false, status: 409, error: `This issue is ${status}: only a scheduled or sending issue can be cancelled.` }
  }
  // send or schedule: from a draft, or (re)timing a scheduled issue.
  if (status === 'draft' || status === 'scheduled') return { ok: true }
  return { ok: false, status: 409, error: `This issue is ${status}: an issue is sent once.` }
}

/** The REST body of a send: `{}` sends now, `{ "at": ISO time }` schedules. */
export function parseSendBody(body: unknown, now = new Date()): { ok: true; at: Date | null } | { ok: false; error: string } {
  if (body === null || body === undefined) return { ok: true, at: null }
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: 'Send {} to send now, or {"at": "<ISO time>"} to schedule.' }
  const at = (body as Record<string, unknown>).at
  if (at === undefined || at === null || at === '') return { ok: true, at: null }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return { ok: false, error: '"at" must be an ISO time, e.g. "2026-12-01T07:00:00Z".' }
  const when = new Date(at)
  if (when.getTime() <= now.getTime()) return { ok: false, error: '"at" must be in the future; send {} to send now.' }
  return { ok: true, at: when }
}

/** Delivery retries (SMTP 4xx answers, soft bounces): 30 s, 1 min, 2 min … capped at 1 h. */
export const MAX_DELIVERY_ATTEMPTS = 6
export const retryDelaySeconds = (attempts: number) => Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1))

/**
 * How far a send is: recipients = sent + failed + suppressed + cancelled + remaining, always.
 * `cancelled` counts the deliveries a cancel stopped (0 unless the send was cancelled);
 * `remaining` is what may still go out: queued or in flight.
 */
export type Progress = { status: IssueStatus; recipients: number; sent: number; failed: number; suppressed: number; cancelled: number; remaining: number }

/** Progress from delivery-row counts per status. Cancelled rows are neither sent nor remaining. */
export function progressOf(status: IssueStatus, counts: Partial<Record<string, number>>): Progress {
  const n = (k: string) => counts[k] ?? 0
  const recipients = Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0)
  return { status, recipients, sent: n('sent'), failed: n('failed'), suppressed: n('suppressed'), cancelled: n('cancelled'), remaining: n('queued') + n('claimed') }
}

/**
 * What a soft bounce does to a delivery the server accepted: retried with backoff while the send
 * goes on, failed after the last attempt, and failed at once when the send was cancelled (nothing
 * more goes out for it, so it must not wait in the queue for ever).
 */
export function afterSoftBounce(attempts: number, issueStatus: IssueStatus): { retryInSeconds: number } | { failed: string } {
  if (issueStatus === 'cancelled') return { failed: 'soft bounce: not retried, the send was cancelled' }
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return { failed: 'soft bounces: gave up after the last attempt' }
  return { retryInSeconds: retryDelaySeconds(attempts) }
}

export const EVENT_TYPES = ['hard_bounce', 'soft_bounce', 'complaint'] as const
export type EventType = (typeof EVENT_TYPES)[number]
export type MailEvent = { email: string; type: EventType; at: Date }

/**
 * A provider's webhook body: one event `{ email, type, at? }` or an array of them (at most
 * 1000). Every event must be valid, or none is applied: the answer names the first problem.
 */
export function parseMailEvents(body: unknown, now = new Date()): { ok: true; events: MailEvent[] } | { ok: false; error: string } {
  const list = Array.isArray(body) ? body : [body]
  if (list.length === 0) return { ok: false, error: 'Send at least one event.' }
  if (list.length > 1000) return { ok: false, error: 'Send at most 1000 events at a time.' }
  const events: MailEvent[] = []
  for (const [i, e] of list.entries()) {
    const where = Array.isArray(body) ? `Event ${i + 1}: ` : ''
    if (!e || typeof e !== 'object' || Array.isArray(e)) return { ok: false, error: `${where}each event must be an object like {"email": "a@example.com", "type": "hard_bounce"}.` }
    const { email, type, at } = e as Record<string, unknown>
    if (typeof email !== 'string' || email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email.trim())) return { ok: false, error: `${where}"email" must be an email address.` }
    if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) return { ok: false, error: `${where}"type" must be one of ${EVENT_TYPES.join(', ')}.` }
    if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) return { ok: false, error: `${where}"at", when given, must be an ISO time.` }
    events.push({ email: email.trim().toLowerCase(), type: type as EventType, at: at ? new Date(at as string) : now })
  }
  return { ok: true, events }
}

/** What an issue says, frozen when it starts sending: the email and the web version show this. */
export type IssueContent = {
  subject: string
  preheader: string
  intro: string
  /** The public web version of this issue. */
  webUrl: string
  featured: {
    title: string
    summary: string
    url: string
    reviewer: { name: string; role: string } | null
    lastReviewedAt: string | null
  }
  also: { title: string; summary: string; url: string }[]
}

/** "November 30, 2026", the site's date format, the same wherever the server runs. */
export const formatDay = (iso: string | Date | null | undefined) => (iso ? new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)) : '')

/** "Reviewed by NAME, ROLE · Last reviewed DATE", as the email and its web version say it. */
export const reviewedLine = (f: IssueContent['featured']) =>
  [f.reviewer ? `Reviewed by ${f.reviewer.name}, ${f.reviewer.role}` : null, f.lastReviewedAt ? `Last reviewed ${formatDay(f.lastReviewedAt)}` : null].filter(Boolean).join(' · ')

/**
 * The line mail apps show beside the subject in an inbox list: the fixed marker
 * EXEMPT_NOTICES.inboxPreview, then the editors' preheader, or else the featured guide's signed
 * title. Always set, so no client falls back to the first words of the body (the editors' intro).
 */
export const inboxPreview = (c: Pick<IssueContent, 'preheader' | 'featured'>) => `${EXEMPT_NOTICES.inboxPreview} ${c.preheader.trim() || c.featured.title}`

/** The intro's paragraphs (blank lines separate them). */
export const paragraphsOf = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
