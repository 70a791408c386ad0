import { APIError, type CollectionConfig, type Endpoint } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { hashIp } from '@runsense/domain/email'
import { MAX_REPORT_MESSAGE, REPORT_ERRORS, parseReaderReport } from '@runsense/domain/reader-report'
import { admins, editors, nobody, nobodyField, staff } from '../../access'
import { execute, inTransaction } from '../../lib/db'
import { fromSite } from '../../lib/sharedSecret'
import { json, jsonObject } from '../../lib/http'
import { hit } from '../../lib/rateLimit'
import { queueEmails } from '../../jobs/sendEmail'

const int = (v: string | undefined, fallback: number) => (Number(v) > 0 ? Math.floor(Number(v)) : fallback)
const limits = () => ({ perIp: int(process.env.REPORT_LIMIT_PER_IP, 10), windowSeconds: int(process.env.REPORT_LIMIT_WINDOW_SECONDS, 3600) })

/**
 * POST /api/reader-reports/submit — a reader's report, passed on by the site server to server
 * (NEWSLETTER_SECRET), like signups. Limited per client address; stored in one transaction.
 */
const submit: Endpoint = {
  path: '/submit',
  method: 'post',
  handler: async (req) => {
    if (!fromSite(req)) return json(401, { error: 'Not allowed.' })
    const body = await jsonObject(req)
    if (!body) return json(400, { error: 'Send JSON: { "guide", "message", "email"? }.' })
    const parsed = parseReaderReport(body)
    if (!parsed.ok) return json(400, { error: parsed.error, code: parsed.code })
    const { guide, message, email } = parsed.report
    const ipHash = typeof body.ip === 'string' && body.ip ? hashIp(body.ip, process.env.PAYLOAD_SECRET || 'runsense') : null
    return inTransaction(req, async () => {
      const { perIp, windowSeconds } = limits()
      const wait = ipHash ? await hit(req, `report:ip:${ipHash}`, perIp, windowSeconds) : null
      if (wait) return json(429, { error: REPORT_ERRORS.rate, retryAfter: wait }, { 'Retry-After': String(wait) })
      const [article] = (await execute(req, sql`select id from articles where slug = ${guide} and _status = 'published'`)) as { id: number }[]
      if (!article) return json(400, { error: REPORT_ERRORS.guide, code: 'guide' })
      await req.payload.create({
        collection: 'reader-reports',
        data: { article: article.id, guideSlug: guide, message, email, ipHash, status: 'open' },
        overrideAccess: true, // the collection takes no generic creates; this endpoint is its only writer
        req,
      })
      return json(202, { ok: true })
    })
  },
}

/**
 * Reports from readers about a published guide ("Report a problem with this guide"). Staff see
 * them per guide on the desk; an editor closes each with an outcome: "no change needed" here, or
 * "corrected" by publishing the correction with the report chosen in the workflow panel (the
 * history entry then reads "Corrected"). A reader who left an email gets one short reply.
 */
export const ReaderReports: CollectionConfig = {
  slug: 'reader-reports',
  labels: { singular: 'Reader report', plural: 'Reader reports' },
  graphQL: { singularName: 'ReaderReport', pluralName: 'ReaderReports' },
  admin: { useAsTitle: 'message', defaultColumns: ['createdAt', 'guideSlug', 'status', 'outcome', 'message'], group: 'Editorial' },
  access: { read: staff, create: nobody, update: editors, delete: admins },
  endpoints: [submit],
  hooks: {
    beforeChange: [
      ({ data, originalDoc, operation, req }) => {
        if (operation !== 'update') return data
        if (originalDoc?.status === 'closed') throw new APIError('This report is closed; a closed report is not changed again.', 400, undefined, true)
        const byWorkflow = req.context?.workflow === 'publish'
        // Who closed it, when, and the correction's note are the server's to write.
        data.closedAt = originalDoc?.closedAt ?? null
        data.closedBy = originalDoc?.closedBy ?? null
        if (!byWorkflow) data.correctionNote = originalDoc?.correctionNote ?? null
        if (data.status === 'closed') {
          if (data.outcome === 'corrected' && !byWorkflow)
            throw new APIError(
              'Close a report as "corrected" by publishing the correction: choose the report in the guide\'s workflow panel when you publish.',
              400,
              undefined,
              true,
            )
          if (data.outcome !== 'no_change' && data.outcome !== 'corrected')
            throw new APIError('Choose an outcome to close the report: "no change needed", or publish a correction.', 400, undefined, true)
          data.closedAt = new Date().toISOString()
          data.closedBy = typeof req.user?.id === 'number' ? req.user.id : null
        } else if (data.outcome) {
          throw new APIError('An outcome is given when the report is closed.', 400, undefined, true)
        }
        return data
      },
    ],
    afterChange: [
      async ({ doc, previousDoc, operation, req }) => {
        if (operation !== 'update' || doc.status !== 'closed' || previousDoc?.status === 'closed' || !doc.email || doc.repliedAt) return doc
        const site = (process.env.SITE_URL || '').replace(/\/$/, '')
        const text =
          doc.outcome === 'corrected'
            ? `Thank you for your report about ${site}/guides/${doc.guideSlug}.\n\nWe corrected the guide, and the corrected guide was medically reviewed before it was published. What changed, in our editors' words: ${doc.correctionNote ?? ''}\nThe correction is in the guide's review history.\n\nRunsense`
            : `Thank you for your report about ${site}/guides/${doc.guideSlug}.\n\nWe looked into it and, after checking, the guide does not need a change. We read every report.\n\nRunsense`
        await queueEmails(req, [{ kind: 'report-reply', to: doc.email, subject: 'Your report about a Runsense guide', text }])
        // One reply only; a direct update so this hook does not run again.
        await execute(req, sql`update reader_reports set replied_at = now() where id = ${doc.id}`)
        return doc
      },
    ],
  },
  fields: [
    { name: 'article', type: 'relationship', relationTo: 'articles', required: true, index: true, access: { update: nobodyField } },
    { name: 'guideSlug', type: 'text', access: { update: nobodyField }, admin: { readOnly: true } },
    { name: 'message', type: 'textarea', required: true, maxLength: MAX_REPORT_MESSAGE, access: { update: nobodyField }, admin: { readOnly: true } },
    { name: 'email', label: 'Reply to', type: 'email', access: { update: nobodyField }, admin: { readOnly: true } },
    {
      name: 'status',
      type: 'select',
      defaultValue: 'open',
      index: true,
      options: [
        { label: 'Open', value: 'open' },
        { label: 'Closed', value: 'closed' },
      ],
    },
    {
      name: 'outcome',
      type: 'select',
      options: [
        { label: 'No change needed', value: 'no_change' },
        { label: 'Corrected (set by publishing the correction)', value: 'corrected' },
      ],
    },
    { name: 'correctionNote', type: 'text', admin: { readOnly: true } },
    { name: 'closedBy', type: 'relationship', relationTo: 'users', admin: { readOnly: true } },
    { name: 'closedAt', type: 'date', admin: { readOnly: true } },
    { name: 'repliedAt', type: 'date', admin: { readOnly: true }, access: { update: nobodyField } },
    { name: 'ipHash', type: 'text', admin: { hidden: true }, access: { read: nobodyField, update: nobodyField } },
  ],
}
