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

  it('connects through our own no-delay socket and delivers over the pool; after refused connects the pool still delivers', { timeout: 20_000 }, async () => {
    const received: string[] = []
    const listen = (port = 0) => {
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        // Going down drops the pool's open connections at once.
        closeTimeout: 50,
        onData(stream, session, cb) {
          stream.resume()
          stream.on('end', () => {
            received.push(session.envelope.rcptTo[0].address)
            cb()
          })
        },
      })
      return new Promise<SMTPServer>((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
    }
    const close = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()))
    const send = (to: string) => transport.sendMail({ from: 'a@example.com', to, subject: 's', text: 't' })

    let server = await listen()
    const port = (server.server.address() as { port: number }).port
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`)
    try {
      expect(typeof (transport as unknown as { transporter: { getSocket: unknown } }).transporter.getSocket).toBe('function')
      await Promise.all([1, 2, 3].map((i) => send(`r${i}@example.com`)))
      expect(received.sort()).toEqual(['r1@example.com', 'r2@example.com', 'r3@example.com'])

      // SMTP down: more refused sends than the pool has connections, each failing with the socket's error.
      await close(server)
      const refused = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => send(`down${i}@example.com`)))
      for (const r of refused) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ESOCKET', message: expect.stringMatching(/ECONNREFUSED/) } })

      // SMTP back on the same port: the pool has not kept a dead connection, and delivers again.
      server = await listen(port)
      await send('back@example.com')
      expect(received).toContain('back@example.com')
    } finally {
      transport.close()
      await close(server)
    }
  })
})
