/**
 * A reader's "Report a problem with this guide": what a valid report is, checked the same way by
 * the site (to answer at once) and by the CMS (which stores it). Pure: no runtime imports.
 */
import { normaliseEmail } from './email'
import { isValidSlug } from './slug'

export const MAX_REPORT_MESSAGE = 2000

/**
 * Every sentence a reader can be shown about a report, by code. A page that shows an error
 * (the no-JavaScript form) takes the code from its address, never the text, so a link cannot
 * put words of its own on our pages.
 */
export const REPORT_ERRORS = {
  guide: 'Which guide is this about? The guide was not recognised.',
  empty: 'Tell us what is wrong: the message is empty.',
  long: `Please keep the message under ${MAX_REPORT_MESSAGE} characters.`,
  email: 'The email address for a reply does not look right. Leave it empty if you do not need a reply.',
  format: 'Please send the report as a form or as JSON.',
  busy: 'Reports cannot be received for a moment. Please try again shortly; nothing was stored.',
  rate: 'You have sent several reports just now. Please wait a little and try again.',
} as const
export type ReportErrorCode = keyof typeof REPORT_ERRORS

export type ReaderReport = { guide: string; message: string; email: string | null }
export type ParsedReport = { ok: true; report: ReaderReport } | { ok: false; code: ReportErrorCode; error: string }

const refuse = (code: ReportErrorCode): ParsedReport => ({ ok: false, code, error: REPORT_ERRORS[code] })

/** The report in a request body (JSON or form fields), or why it is refused. */
export function parseReaderReport(body: { guide?: unknown; message?: unknown; email?: unknown }): ParsedReport {
  if (typeof body.guide !== 'string' || !isValidSlug(body.guide)) return refuse('guide')
  const message = typeof body.message === 'string' ? body.message.replace(/\r\n/g, '\n').trim() : ''
  if (!message) return refuse('empty')
  if (message.length > MAX_REPORT_MESSAGE) return refuse('long')
  let email: string | null = null
  if (body.email !== undefined && body.email !== null && !(typeof body.email === 'string' && body.email.trim() === '')) {
    const parsed = normaliseEmail(body.email)
    if (!parsed.ok) return refuse('email')
    email = parsed.email
  }
  return { ok: true, report: { guide: body.guide, message, email } }
}
