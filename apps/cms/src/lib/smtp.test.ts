import nodemailer from 'nodemailer'
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
})
