/**
 * The newsletter's own SMTP transport: a nodemailer pool (a few long-lived connections instead
 * of one per message) with nodemailer's rate limit, so a provider's limits hold. One pool per
 * CMS process; the limits below are per process.
 *
 *   NEWSLETTER_SMTP_URL          where newsletter issues go (default: SMTP_URL)
 *   NEWSLETTER_SMTP_CONNECTIONS  pooled connections (default 5)
 *   NEWSLETTER_RATE_PER_SECOND   messages per second, 0 for no limit (default 50)
 */
import nodemailer, { type Transporter } from 'nodemailer'
import { noDelaySocket } from '../../lib/smtp'

let pool: Transporter | null = null

export const smtpConnections = () => Math.max(1, Number(process.env.NEWSLETTER_SMTP_CONNECTIONS) || 5)
export const ratePerSecond = () => Math.max(0, Number(process.env.NEWSLETTER_RATE_PER_SECOND ?? 50) || 0)

export function newsletterTransport(): Transporter {
  if (pool) return pool
  const raw = process.env.NEWSLETTER_SMTP_URL || process.env.SMTP_URL
  if (!raw) throw new Error('No SMTP server configured: set SMTP_URL (or NEWSLETTER_SMTP_URL).')
  const url = new URL(raw)
  const secure = url.protocol === 'smtps:'
  pool = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
    maxConnections: smtpConnections(),
    maxMessages: Infinity,
    rateDelta: 1000,
    rateLimit: ratePerSecond() || undefined,
    // A stalled server must not hold a claimed delivery past its lease (deliver.ts).
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    // TCP_NODELAY: without it each message waited ~40 ms for a delayed ACK (lib/smtp.ts).
    getSocket: noDelaySocket,
  })
  return pool
}
