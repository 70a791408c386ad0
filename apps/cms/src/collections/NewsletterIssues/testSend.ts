import type { TaskConfig } from 'payload'
import { renderIssue } from './email'
import { issueMessage } from './message'
import { type IssueRow, issueContent } from './send'
import { newsletterTransport } from './transport'

/** "Send a test to me": one copy of the issue as it would go out now, to a staff address. */
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
    const message = issueMessage(issue, await renderIssue(content), { to: input.to, subscriberId: null, confirmedAt: new Date(), deliveryId: null })
    await newsletterTransport().sendMail(message)
    return { output: { sent: true } }
  },
}
