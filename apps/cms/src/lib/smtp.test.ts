import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { describe, expect, it } from 'vitest'
import { smtpTransport } from './smtp'

type Options = { host?: string; port?: number; maxConnections?: number; connectionTimeout?: number; greetingTimeout?: number; socketTimeout?: number; auth?: { user?: string } }
const optionsOf = (t: unknown) => (t as { transporter: { options: Options } }).transporter.options

describe('the SMTP transport', () => {
  it('keeps the URL and our timeouts together', () => {
    const o = optionsOf(smtpTransport('smtp://user:secret@mail.example.com:2525'))
    expect(o).toMatchObject({
      host: 'mail.example.com',
      port: 2525,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 15000,
      maxConnections: 5,
      auth: { user: 'user' },
    })
  })

  it('(the trap it avoids) createTransport({ url, … }) drops every option but the URL', () => {
    // When an upgrade makes this fail, createTransport keeps options again and smtp.ts can be simpler.
    const o = optionsOf(nodemailer.createTransport({ url: 'smtp://mail.example.com:2525', greetingTimeout: 1234 } as never))
    expect(o.greetingTimeout).toBeUndefined()
  })

  it('connects through our own no-delay socket and delivers over the pool; a closed port fails with its code', async () => {
    const received: string[] = []
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        stream.resume()
        stream.on('end', () => {
          received.push(session.envelope.rcptTo[0].address)
          cb()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.server.address() as { port: number }).port
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`)
    try {
      expect(typeof (transport as unknown as { transporter: { getSocket: unknown } }).transporter.getSocket).toBe('function')
      await Promise.all([1, 2, 3].map((i) => transport.sendMail({ from: 'a@example.com', to: `r${i}@example.com`, subject: 's', text: 't' })))
      expect(received.sort()).toEqual(['r1@example.com', 'r2@example.com', 'r3@example.com'])
    } finally {
      transport.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    const closed = smtpTransport(`smtp://127.0.0.1:${port}`)
    await expect(closed.sendMail({ from: 'a@example.com', to: 'x@example.com', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    closed.close()
  })
})
