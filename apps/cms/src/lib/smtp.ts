import nodemailer from 'nodemailer'
import SMTPPool from 'nodemailer/lib/smtp-pool'
import { smtpSettings } from '../jobs/settings'

/**
 * The SMTP transport for SMTP_URL, with waits of seconds (nodemailer's defaults are 2 min to
 * connect, 30 s for the greeting and 10 min of socket silence): a hung server fails a send fast,
 * so a batch of jobs never stalls the queue, and the send is retried with backoff.
 *
 * A pool of SMTP_CONNECTIONS (default 5) long-lived connections, not one connection per email:
 * a job's emails leave in parallel over it (jobs/sendEmail.ts), and a broken connection is
 * replaced by the pool on the next send.
 *
 * Built as an SMTPPool, not `createTransport({ url, … })`: given a `url`, createTransport
 * keeps only what the URL says and silently drops every other option (smtp.test.ts checks this).
 */
export function smtpTransport(url: string) {
  return nodemailer.createTransport(
    new SMTPPool({
      url,
      maxConnections: smtpSettings.connections,
      maxMessages: Infinity,
      connectionTimeout: smtpSettings.connectionTimeoutMs,
      greetingTimeout: smtpSettings.greetingTimeoutMs,
      socketTimeout: smtpSettings.socketTimeoutMs,
    }),
  )
}
