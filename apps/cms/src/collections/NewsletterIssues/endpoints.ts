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

/** The issue a sender (editor or admin, see gate) acts on, or the refusal to answer instead. */
function sendersIssue(req: PayloadRequest): number | Response {
  const refused = gate(req)
  if (refused) return refused
  return issueId(req) ?? json(404, { error: 'No such issue.' })
}

/** The issue a member of staff looks at, or the refusal to answer instead. */
function staffsIssue(req: PayloadRequest, refusal: string): number | Response {
  if (!isStaffUser(req.user)) return json(req.user ? 403 : 401, { error: refusal })
  return issueId(req) ?? json(404, { error: 'No such issue.' })
}

export const sendEndpoint: Endpoint = {
  path: '/:id/send',
  method: 'post',
  handler: async (req) => {
    const id = sendersIssue(req)
    if (id instanceof Response) return id
    const body = await readBody(req)
    if (!body.ok) return json(400, { error: 'The body must be JSON: {} to send now, or {"at": "<ISO time>"} to schedule.' })
    const parsed = parseSendBody(body.value)
    if (!parsed.ok) return json(400, { error: parsed.error })
    return withService(req, async () =>
      answer(parsed.at ? await scheduleSending(req, id, req.user as unknown as User, parsed.at) : await startSending(req, id, req.user as unknown as User)),
    )
  },
}

export const cancelEndpoint: Endpoint = {
  path: '/:id/cancel',
  method: 'post',
  handler: async (req) => {
    const id = sendersIssue(req)
    if (id instanceof Response) return id
    return withService(req, async () => answer(await cancelSending(req, id, req.user as unknown as User)))
  },
}

async function loadIssue(req: PayloadRequest, id: number) {
  return (await req.payload.findByID({ collection: 'newsletter-issues', id, depth: 0, overrideAccess: true, req }).catch(() => null)) as IssueRow | null
}

export const testEndpoint: Endpoint = {
  path: '/:id/test',
  method: 'post',
  handler: async (req) => {
    const id = sendersIssue(req)
    if (id instanceof Response) return id
    const issue = await loadIssue(req, id)
    if (!issue) return json(404, { error: 'No such issue.' })
    return withService(req, async () => {
      const { content, missing } = await issueContent(req, issue)
      if (!content) return json(422, { error: 'This issue cannot be sent yet.', missing })
      const to = (req.user as unknown as User).email
      // Through the jobs queue: retried while SMTP is down, and the request never waits on SMTP.
      await req.payload.jobs.queue({ task: 'newsletterTest', input: { issue: issue.id, to }, req })
      return json(202, { status: 'queued', to })
    })
  },
}

export const progressEndpoint: Endpoint = {
  path: '/:id/progress',
  method: 'get',
  handler: async (req) => {
    const id = staffsIssue(req, 'Only staff can see a send’s progress.')
    if (id instanceof Response) return id
    const p = await progressOfIssue(req, id)
    if (!p) return json(404, { error: 'No such issue.' })
    // Before sending: how many would get it now (the admin's "Send now" names this number).
    if (p.status === 'draft' || p.status === 'scheduled') p.recipients = await eligibleCount(req)
    return json(200, p, { 'cache-control': 'no-store' })
  },
}

export const previewEndpoint: Endpoint = {
  path: '/:id/preview',
  method: 'get',
  handler: async (req) => {
    const id = staffsIssue(req, 'Only staff can preview issues.')
    if (id instanceof Response) return id
    const issue = await loadIssue(req, id)
    if (!issue) return json(404, { error: 'No such issue.' })
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
  },
}
