import nodemailer from 'nodemailer'
import SMTPTransport from 'nodemailer/lib/smtp-transport'
import { smtpSettings } from '../jobs/settings'

/**
 * The SMTP transport for SMTP_URL, with waits of seconds (nodemailer's defaults are 2 min to
 * connect, 30 s for the greeting and 10 min of socket silence): a hung server fails a send fast,
 * so a batch of jobs never stalls the queue, and the send is retried with backoff.
 *
 * Built as an SMTPTransport, not `createTransport({ url, … })`: given a `url`, createTransport
 * keeps only what the URL says and silently drops every other option (smtp.test.ts checks this).
 */
export function smtpTransport(url: string) {
  return nodemailer.createTransport(
    new SMTPTransport({
      url,
      connectionTimeout: smtpSettings.connectionTimeoutMs,
      greetingTimeout: smtpSettings.greetingTimeoutMs,
      socketTimeout: smtpSettings.socketTimeoutMs,
    }),
  )
}
