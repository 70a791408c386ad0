import type { TaskConfig } from 'payload'
import { PUBLIC_ISSUE_STATUSES } from '@runsense/domain/newsletter'
import { cmsLink } from '../Articles/notifications'
import { renderIssue } from './email'
import { issueMessage } from './message'
import { type IssueRow, issueContent } from './send'
import { newsletterTransport } from './transport'

/**
 * "Send a test to me": one copy of the issue as it would go out now, to a staff address. Before
 * the issue is sent its web version is not public, so the copy links to the issue in the CMS
 * instead (email.tsx); the footer's unsubscribe link goes to the newsletter page.
 */
export const newsletterTestTask: TaskConfig<'newsletterTest'> = {
  slug: 'newsletterTest',
  label: 'Send a test of a newsletter issue',
  retries: { attempts: 5, backoff: { type: 'exponential', delay: 2000 } },
  inputSchema: [
    { name: 'issue', type: 'number', required: true },
    { name: 'to', type: 'text', required: true },
  ],
  handler: async ({ input, req }) => {
    const issue = (await req.payload.findByID({ collection: 'newsletter-issues', id: input.issue, depth: 0, overrideAccess: true, req })) as unknown as IssueRow
    const { content, missing } = await issueContent(req, issue)
    if (!content) return { output: { sent: false, missing } }
    const live = (PUBLIC_ISSUE_STATUSES as readonly string[]).includes(issue.status)
    const rendered = await renderIssue(content, live ? null : { cmsUrl: cmsLink(issue.id, 'newsletter-issues') })
    const message = issueMessage(issue, rendered, { to: input.to, subscriberId: null, confirmedAt: new Date(), deliveryId: null })
    await newsletterTransport().sendMail(message)
    return { output: { sent: true } }
  },
}
