import net from 'node:net'
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
      getSocket: noDelaySocket,
    }),
  )
}

type SocketOptions = { host?: string; port?: number | string; secure?: boolean }
type SocketCallback = (err: Error | null, socket?: { connection: net.Socket }) => void

/**
 * nodemailer's `getSocket` for every SMTP transport of ours: the connection is opened with
 * TCP_NODELAY. nodemailer writes a message's end (".") apart from its body and leaves Nagle's
 * algorithm on, so each message waited for the server's delayed ACK: about 40 ms on Linux, which
 * capped one connection at ~25 messages a second (measured: 1,000 messages over one connection
 * to a local smtp-server took 46 s, and 1 s with this).
 *
 * The socket is handed over while it connects, so every outcome goes through nodemailer's own
 * handling as with its own sockets: a refused connect is the send's error and the pool drops
 * that connection, a server that never answers is cut by the greeting timeout, and TLS (smtps,
 * STARTTLS) is negotiated by nodemailer. (Failing the callback instead would leave the pool
 * holding a connection that never frees: every later send would wait for ever.)
 */
export function noDelaySocket(options: SocketOptions, callback: SocketCallback): void {
  callback(null, { connection: net.connect({ host: options.host || 'localhost', port: Number(options.port) || (options.secure ? 465 : 587), noDelay: true }) })
}
