/**
 * REST for scripts, tests and the admin panel (staff JWT or session; editors and admins):
 *   POST /api/newsletter-issues/:id/send     {} sends now, {"at": ISO} schedules → 202 { status, recipients }
 *   POST /api/newsletter-issues/:id/test     → 202, one copy to the caller's own address
 *   POST /api/newsletter-issues/:id/cancel   → 200
 *   GET  /api/newsletter-issues/:id/progress → { status, recipients, sent, failed, suppressed, remaining }
 *   GET  /api/newsletter-issues/:id/preview?format=html|text → the email as a subscriber gets it
 */
import type { Endpoint, PayloadRequest } from 'payload'
import type { User } from '@runsense/types'
import { decideIssueAction, parseSendBody } from '@runsense/domain/newsletter'
import { isStaffUser, roleOf } from '../../access/roles'
import { json } from '../../lib/http'
import { renderIssue } from './email'
import { issueMessage } from './message'
import { type IssueRow, type Outcome, cancelSending, eligibleCount, issueContent, progressOfIssue, scheduleSending, startSending } from './send'

const issueId = (req: PayloadRequest) => {
  const n = Number(req.routeParams?.id)
  return Number.isInteger(n) && n > 0 ? n : null
}
const answer = (o: Outcome) => json(o.status, o.body)

/** 401 anonymous, 403 reviewers; editors and admins go on. */
function gate(req: PayloadRequest) {
  const d = decideIssueAction(roleOf(req.user), 'test', 'draft')
  return d.ok ? null : json(d.status, { error: d.error })
}

async function readBody(req: PayloadRequest): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const text = await (req as unknown as Request).text().catch(() => '')
  if (!text.trim()) return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const withService = async (req: PayloadRequest, fn: () => Promise<Response>) => {
  try {
    return await fn()
  } catch (err) {
    req.payload.logger.error({ err, msg: 'newsletter issue action failed' })
    return json(503, { error: 'The newsletter is unavailable for a moment. Please try again shortly.' })
  }
}

const noSuchIssue = () => json(404, { error: 'No such issue.' })

/** Only staff (editors, reviewers, admins) go on; anyone else gets `refusal`. */
const staffOnly = (refusal: string) => (req: PayloadRequest) => (isStaffUser(req.user) ? null : json(req.user ? 403 : 401, { error: refusal }))

/** POST|GET /:id/<action>: `refuse` answers instead when the caller may not act; then `handle` gets the issue's id. */
const issueEndpoint = (
  method: 'get' | 'post',
  action: string,
  refuse: (req: PayloadRequest) => Response | null,
  handle: (req: PayloadRequest, id: number) => Promise<Response>,
): Endpoint => ({
  path: `/:id/${action}`,
  method,
  handler: async (req) => {
    const refused = refuse(req)
    if (refused) return refused
    const id = issueId(req)
    return id === null ? noSuchIssue() : handle(req, id)
  },
})

export const sendEndpoint = issueEndpoint('post', 'send', gate, async (req, id) => {
  const body = await readBody(req)
  if (!body.ok) return json(400, { error: 'The body must be JSON: {} to send now, or {"at": "<ISO time>"} to schedule.' })
  const parsed = parseSendBody(body.value)
  if (!parsed.ok) return json(400, { error: parsed.error })
  return withService(req, async () =>
    answer(parsed.at ? await scheduleSending(req, id, req.user as unknown as User, parsed.at) : await startSending(req, id, req.user as unknown as User)),
  )
})

export const cancelEndpoint = issueEndpoint('post', 'cancel', gate, (req, id) => withService(req, async () => answer(await cancelSending(req, id, req.user as unknown as User))))

async function loadIssue(req: PayloadRequest, id: number) {
  return (await req.payload.findByID({ collection: 'newsletter-issues', id, depth: 0, overrideAccess: true, disableErrors: true, req })) as IssueRow | null
}

export const testEndpoint = issueEndpoint('post', 'test', gate, async (req, id) => {
  const issue = await loadIssue(req, id)
  if (!issue) return noSuchIssue()
  return withService(req, async () => {
    const { content, missing } = await issueContent(req, issue)
    if (!content) return json(422, { error: 'This issue cannot be sent yet.', missing })
    const to = (req.user as unknown as User).email
    // Through the jobs queue: retried while SMTP is down, and the request never waits on SMTP. On the
    // newsletter's own queue (its SMTP, its timeouts): a hung newsletter server never holds up the
    // default queue's scheduled publishing and revalidations (a send under way may delay the copy).
    await req.payload.jobs.queue({ task: 'newsletterTest', queue: 'newsletter', input: { issue: issue.id, to }, req })
    return json(202, { status: 'queued', to })
  })
})

export const progressEndpoint = issueEndpoint('get', 'progress', staffOnly('Only staff can see a send’s progress.'), async (req, id) => {
  const p = await progressOfIssue(req, id)
  if (!p) return noSuchIssue()
  // Before sending: how many would get it now (the admin's "Send now" names this number).
  if (p.status === 'draft' || p.status === 'scheduled') p.recipients = await eligibleCount(req)
  return json(200, p, { 'cache-control': 'no-store' })
})

export const previewEndpoint = issueEndpoint('get', 'preview', staffOnly('Only staff can preview issues.'), async (req, id) => {
  const issue = await loadIssue(req, id)
  if (!issue) return noSuchIssue()
  // A sent issue previews what was sent; an unsent one what would be sent now.
  let rendered = issue.rendered ?? null
  if (!rendered) {
    const { content, missing } = await issueContent(req, issue)
    if (!content) return json(422, { error: 'This issue cannot be sent yet.', missing })
    rendered = await renderIssue(content)
  }
  const message = issueMessage(issue, rendered, { to: (req.user as unknown as User).email, subscriberId: null, confirmedAt: new Date(), deliveryId: null })
  const format = new URL(req.url ?? 'http://x').searchParams.get('format')
  return format === 'text'
    ? new Response(String(message.text), { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } })
    : new Response(String(message.html), {
        // The preview is shown in a sandboxed iframe; it must never run anything.
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" },
      })
})
