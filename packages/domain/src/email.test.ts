import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { createHash } from 'node:crypto'

import { EMAIL_ERRORS, hasControlCharacters, hashEmail, hashIp, isDisposableDomain, isValidEmailDomain, normaliseEmail } from './email'

const ok = (input: unknown) => {
  const r = normaliseEmail(input)
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to be accepted: ${r.error}`)
  return r.email
}
const error = (input: unknown, options?: Parameters<typeof normaliseEmail>[1]) => {
  const r = normaliseEmail(input, options)
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`)
  return r.error
}

describe('normaliseEmail', () => {
  it('trims and lowercases', () => {
    expect(ok('  Jane.Doe+Runs@Example.COM ')).toBe('jane.doe+runs@example.com')
    expect(ok("o'brien@sub.example.co.uk")).toBe("o'brien@sub.example.co.uk")
    expect(ok('a@xn--bcher-kva.example')).toBe('a@xn--bcher-kva.example')
    expect(ok('a@example.xn--p1ai')).toBe('a@example.xn--p1ai')
  })

  it('asks for an address when there is none', () => {
    for (const v of [undefined, null, 42, {}, ['a@b.co'], '', '   ']) expect(error(v)).toBe(EMAIL_ERRORS.missing)
    expect(EMAIL_ERRORS.missing).toBe('Please enter your email address.')
  })

  it('refuses control characters anywhere, including a trailing CR/LF (header injection)', () => {
    for (const v of ['a@b.com\r\nBcc: x@y.com', 'a@b.com\n', '\ra@b.com', 'a\u0000@b.com', 'a@b.com\u2028', 'a\u007f@b.com']) {
      expect(error(v)).toBe(EMAIL_ERRORS.invalid)
    }
  })

  it('refuses malformed addresses', () => {
    for (const v of [
      'plainaddress',
      'a@@b.com',
      'a@b@c.com',
      '@b.com',
      'a@',
      'a b@c.com',
      'a@b .com',
      '.a@b.com',
      'a.@b.com',
      'a..b@c.com',
      'a(b)@c.com',
      'a@localhost',
      'a@b.c',
      'a@b.c0m',
      'a@-b.com',
      'a@b-.com',
      'a@b..com',
      'a@.b.com',
      'a@b.com.',
      'a@b_c.com',
      'a@[127.0.0.1]',
      'a@127.0.0.1',
      'jöe@example.com',
      'joe@exämple.com',
      '"a b"@c.com',
    ]) {
      expect(error(v), v).toBe(EMAIL_ERRORS.invalid)
    }
    expect(EMAIL_ERRORS.invalid).toBe("That doesn't look like an email address.")
  })

  it('enforces 254 total and 64 local-part limits', () => {
    expect(ok(`${'a'.repeat(64)}@example.com`)).toHaveLength(76)
    expect(error(`${'a'.repeat(65)}@example.com`)).toBe(EMAIL_ERRORS.tooLong)
    const domain = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63)].join('.')}.com` // 195 chars
    const local = 'x'.repeat(254 - domain.length - 1)
    expect(ok(`${local}@${domain}`)).toHaveLength(254)
    expect(error(`${local}y@${domain}`)).toBe(EMAIL_ERRORS.tooLong)
    expect(error(`${'a'.repeat(5000)}@example.com`)).toBe(EMAIL_ERRORS.tooLong)
  })

  it('refuses disposable domains and their subdomains', () => {
    expect(error('x@mailinator.com')).toBe(EMAIL_ERRORS.disposable)
    expect(error('x@EU.Mailinator.com')).toBe(EMAIL_ERRORS.disposable)
    expect(error('x@yopmail.com')).toBe(EMAIL_ERRORS.disposable)
    expect(ok('x@notmailinator.com')).toBe('x@notmailinator.com')
    expect(error('x@burner.test', { disposableDomains: ['burner.test'] })).toBe(EMAIL_ERRORS.disposable)
    expect(normaliseEmail('x@mailinator.com', { disposableDomains: [] })).toEqual({ ok: true, email: 'x@mailinator.com' })
  })

  it('property: never throws; accepted addresses have no whitespace, controls or uppercase', () => {
    const arbitraryInput = fc.oneof(
      fc.anything(),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.emailAddress(),
      fc.emailAddress().map((e) => ` ${e.toUpperCase()}\r\n`),
      fc.tuple(fc.emailAddress(), fc.string({ unit: 'binary', maxLength: 5 }), fc.nat(40)).map(([e, junk, i]) => e.slice(0, i) + junk + e.slice(i)),
    )
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = normaliseEmail(input)
        if (r.ok) {
          expect(r.email).not.toMatch(/[\s\r\n\u0000-\u001f\u007f]/)
          expect(r.email).toBe(r.email.toLowerCase())
          expect(r.email.length).toBeLessThanOrEqual(254)
          expect(r.email.split('@')).toHaveLength(2)
        } else {
          expect(Object.values(EMAIL_ERRORS)).toContain(r.error)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('property: well-formed addresses are accepted, lowercased and idempotent', () => {
    const local = fc.stringMatching(/^[A-Za-z0-9+_-]{1,20}(\.[A-Za-z0-9+_-]{1,20}){0,2}$/)
    const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?$/)
    const tld = fc.stringMatching(/^[A-Za-z]{2,10}$/)
    fc.assert(
      fc.property(local, fc.array(label, { minLength: 1, maxLength: 3 }), tld, (l, labels, t) => {
        const address = `${l}@${[...labels, t].join('.')}`
        const r = normaliseEmail(`  ${address} `, { disposableDomains: [] })
        expect(r).toEqual({ ok: true, email: address.toLowerCase() })
        if (r.ok) expect(normaliseEmail(r.email, { disposableDomains: [] })).toEqual(r)
      }),
    )
  })
})

describe('isValidEmailDomain', () => {
  it('checks labels and TLD', () => {
    expect(isValidEmailDomain('example.com')).toBe(true)
    expect(isValidEmailDomain('a-b.c-d.io')).toBe(true)
    expect(isValidEmailDomain('example')).toBe(false)
    expect(isValidEmailDomain('example.123')).toBe(false)
    expect(isValidEmailDomain(`${'a'.repeat(64)}.com`)).toBe(false)
  })
})

describe('isDisposableDomain', () => {
  it('checks the domain and its parents against a list', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true)
    expect(isDisposableDomain('a.b.guerrillamail.com')).toBe(true)
    expect(isDisposableDomain('gmail.com')).toBe(false)
    expect(isDisposableDomain('com', ['com'])).toBe(false)
    const list = ['Burner.Example', 'x.y.test']
    expect(isDisposableDomain('mail.burner.example', list)).toBe(true)
    expect(isDisposableDomain('y.test', list)).toBe(false)
    expect(isDisposableDomain('q.x.y.test', new Set(['x.y.test']))).toBe(true)
  })
})

describe('hasControlCharacters', () => {
  it('finds NUL, other C0/C1 controls, DEL and the line separators; plain text and non-ASCII letters pass', () => {
    for (const bad of ['home\u0000', '\u0007', 'a\nb', 'x\u007f', '\u0085', 'p\u2028q']) expect(hasControlCharacters(bad), JSON.stringify(bad)).toBe(true)
    for (const good of ['home', '/guides/returning-to-running-after-an-injury', 'Zürich café', '']) expect(hasControlCharacters(good), good).toBe(false)
  })
})

describe('hashIp', () => {
  it('is a salted hex sha256', () => {
    const h = hashIp('203.0.113.7', 'pepper')
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(h).toBe(hashIp(' 203.0.113.7 ', 'pepper'))
    expect(h).not.toBe(hashIp('203.0.113.8', 'pepper'))
    expect(h).not.toBe(hashIp('203.0.113.7', 'salt'))
    expect(h).not.toBe(createHash('sha256').update('203.0.113.7').digest('hex'))
    expect(hashIp('2001:DB8::1', 's')).toBe(hashIp('2001:db8::1', 's'))
    expect(() => hashIp('1.2.3.4', '')).toThrow(TypeError)
  })
})

describe('hashEmail', () => {
  it('keys an address without storing it: same for case and spacing, different per address and salt', () => {
    expect(hashEmail(' Ana@Example.com ', 'pepper')).toBe(hashEmail('ana@example.com', 'pepper'))
    expect(hashEmail('ana@example.com', 'pepper')).not.toBe(hashEmail('bob@example.com', 'pepper'))
    expect(hashEmail('ana@example.com', 'pepper')).not.toBe(hashEmail('ana@example.com', 'salt'))
    expect(() => hashEmail('ana@example.com', '')).toThrow(/hashEmail/)
  })
})
