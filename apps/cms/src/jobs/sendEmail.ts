import type { TaskConfig } from 'payload'

/**
 * Every email leaves through this task on Payload's jobs queue: queued inside the transaction
 * that decides to send it (so it exists only if that commits), sent by the queue runner, and
 * retried with backoff while SMTP is down. A request never waits on SMTP.
 */
export const sendEmailTask: TaskConfig<'sendEmail'> = {
  slug: 'sendEmail',
  label: 'Send an email',
  retries: { attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  inputSchema: [
    { name: 'to', type: 'text', required: true },
    { name: 'subject', type: 'text', required: true },
    { name: 'text', type: 'textarea', required: true },
    { name: 'headers', type: 'json' },
    { name: 'kind', type: 'text' },
  ],
  handler: async ({ input, req }) => {
    await req.payload.sendEmail({
      to: input.to,
      subject: input.subject,
      text: input.text,
      headers: (input.headers as Record<string, string> | undefined) ?? undefined,
    })
    return { output: {} }
  },
}
