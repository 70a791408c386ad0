import { REPORT_ERRORS, type ReportErrorCode, parseReaderReport } from '@runsense/domain/reader-report'
import { cmsFetch, getGuide } from '@/lib/content'
import { clientIp } from '@/lib/newsletter'

const MAX_BODY_BYTES = 16_384
const THANKS = 'Thank you: your report reached the editors. If you left an email, you will hear back when it is resolved.'

/**
 * POST /api/feedback — a reader's report about a guide, as JSON `{ guide, message, email? }` or
 * the plain form. JSON gets 202 `{ ok, message }` or 400/429 `{ error }`; the form gets a 303 to
 * a thank-you page, or back to the form with the sentence. Passed to the CMS server to server,
 * as signups are; a filled honeypot gets the same answer and nothing is stored.
 */
export async function POST(request: Request) {
  const type = (request.headers.get('content-type') || '').split(';')[0].trim().toLowerCase()
  const form = type === 'application/x-www-form-urlencoded'
  let fields: Record<string, unknown> = {}
  const answer = (status: number, code: ReportErrorCode, extra: Record<string, string> = {}) => {
    if (form) {
      // The form page shows the sentence for this code; what the reader typed comes back to them.
      const q = new URLSearchParams({
        guide: String(fields.guide ?? '').slice(0, 200),
        error: code,
        message: String(fields.message ?? '').slice(0, 2000),
        email: String(fields.email ?? '').slice(0, 254),
      })
      return redirect(`/feedback?${q}#report`)
    }
    return Response.json({ error: REPORT_ERRORS[code] }, { status, headers: { 'cache-control': 'no-store', ...extra } })
  }
  if (type !== 'application/json' && !form) return answer(400, 'format')
  if (Number(request.headers.get('content-length') || 0) > MAX_BODY_BYTES) return answer(400, 'long')
  const raw = await request.text()
  if (raw.length > MAX_BODY_BYTES) return answer(400, 'long')
  if (form) fields = Object.fromEntries(new URLSearchParams(raw))
  else {
    try {
      const parsed = JSON.parse(raw)
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return answer(400, 'format')
      fields = parsed
    } catch {
      return answer(400, 'format')
    }
  }
  const report = parseReaderReport(fields)
  if (!report.ok) return answer(400, report.code)
  const guide = await getGuide(report.report.guide).catch(() => undefined)
  if (guide === null) return answer(400, 'guide')
  if (!fields.website) {
    const secret = process.env.NEWSLETTER_SECRET
    let res: Response | null
    try {
      res = secret
        ? await cmsFetch('/api/reader-reports/submit', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
            body: JSON.stringify({ ...report.report, ip: clientIp(request.headers) }),
            signal: AbortSignal.timeout(10_000),
          })
        : null
    } catch {
      res = null
    }
    const body = res ? ((await res.json().catch(() => ({}))) as { retryAfter?: number }) : {}
    if (res?.status === 429) return answer(429, 'rate', { 'Retry-After': String(body.retryAfter ?? 60) })
    // The site checked the report already; the CMS refusing it means the guide just went offline.
    if (res?.status === 400) return answer(400, 'guide')
    if (!res || res.status !== 202) return answer(503, 'busy')
  }
  return form
    ? redirect(`/feedback/thanks?guide=${encodeURIComponent(report.report.guide)}`)
    : Response.json({ ok: true, message: THANKS }, { status: 202, headers: { 'cache-control': 'no-store' } })
}

const redirect = (location: string) => new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } })
