/** Email address normalisation for newsletter sign-ups and similar forms. */
import { createHash } from 'node:crypto'

export type NormalisedEmail = { ok: true; email: string } | { ok: false; error: string }

export interface NormaliseEmailOptions {
  /** Disposable domains to refuse; defaults to a small built-in list. */
  disposableDomains?: Iterable<string>
}

export const EMAIL_ERRORS = {
  missing: 'Please enter your email address.',
  invalid: "That doesn't look like an email address.",
  tooLong: 'That email address is too long.',
  disposable: "Please use a permanent email address; we don't accept disposable ones.",
} as const

export const MAX_EMAIL_LENGTH = 254
export const MAX_LOCAL_PART_LENGTH = 64

/** Used when no list is passed. A real list (npm `disposable-email-domains`) should be passed in. */
export const FALLBACK_DISPOSABLE_DOMAINS: ReadonlySet<string> = new Set([
  'mailinator.com',
  'guerrillamail.com',
  '10minutemail.com',
  'tempmail.com',
  'temp-mail.org',
  'yopmail.com',
  'trashmail.com',
  'sharklasers.com',
  'getnada.com',
  'dispostable.com',
  'throwawaymail.com',
  'maildrop.cc',
])

// C0 and C1 controls, DEL, and the Unicode line / paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Whether text holds a control character (NUL among them, which PostgreSQL refuses in text): never stored from a reader. */
export const hasControlCharacters = (text: string) => CONTROL.test(text)
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/** A DNS host name of at least two labels, ASCII (punycode) only, with an alphabetic or xn-- TLD. */
export function isValidEmailDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false
  const labels = domain.split('.')
  if (labels.length < 2) return false
  if (!labels.every((l) => LABEL.test(l))) return false
  return TLD.test(labels[labels.length - 1]!)
}

const setCache = new WeakMap<object, ReadonlySet<string>>()

function toSet(list: Iterable<string>): ReadonlySet<string> {
  if (list instanceof Set) return list as ReadonlySet<string>
  const cached = setCache.get(list as object)
  if (cached) return cached
  const set = new Set<string>()
  for (const d of list) {
    if (typeof d === 'string') set.add(d.trim().toLowerCase().replace(/\.$/, ''))
  }
  setCache.set(list as object, set)
  return set
}

/**
 * True when the domain or any parent domain (down to two labels) is on the
 * list: with mailinator.com listed, eu.mailinator.com is disposable too.
 * An array passed as `list` is converted to a set once and cached.
 */
export function isDisposableDomain(domain: string, list: Iterable<string> = FALLBACK_DISPOSABLE_DOMAINS): boolean {
  if (typeof domain !== 'string') return false
  const set = toSet(list)
  const labels = domain.trim().toLowerCase().replace(/\.$/, '').split('.')
  for (let i = 0; i <= labels.length - 2; i++) {
    if (set.has(labels.slice(i).join('.'))) return true
  }
  return false
}

/**
 * Validates and normalises an email address (trimmed, NFC, lowercased).
 * Never throws; on failure the error is a sentence to show to the reader.
 */
export function normaliseEmail(input: unknown, options: NormaliseEmailOptions = {}): NormalisedEmail {
  if (typeof input !== 'string') return { ok: false, error: EMAIL_ERRORS.missing }
  const trimmed = input.trim()
  if (trimmed === '') return { ok: false, error: EMAIL_ERRORS.missing }
  // Checked on the raw input: a trailing CR/LF is refused, not trimmed away.
  if (CONTROL.test(input)) return { ok: false, error: EMAIL_ERRORS.invalid }
  // Cheap bound before any further work on very long input.
  if (trimmed.length > MAX_EMAIL_LENGTH * 4) return { ok: false, error: EMAIL_ERRORS.tooLong }
  const email = trimmed.normalize('NFC').toLowerCase().normalize('NFC')
  if (/\s/.test(email)) return { ok: false, error: EMAIL_ERRORS.invalid }
  const at = email.indexOf('@')
  if (at < 0 || at !== email.lastIndexOf('@')) return { ok: false, error: EMAIL_ERRORS.invalid }
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  if (local === '' || domain === '') return { ok: false, error: EMAIL_ERRORS.invalid }
  if (email.length > MAX_EMAIL_LENGTH || local.length > MAX_LOCAL_PART_LENGTH) {
    return { ok: false, error: EMAIL_ERRORS.tooLong }
  }
  if (!LOCAL_PART.test(local) || !isValidEmailDomain(domain)) {
    return { ok: false, error: EMAIL_ERRORS.invalid }
  }
  if (isDisposableDomain(domain, options.disposableDomains ?? FALLBACK_DISPOSABLE_DOMAINS)) {
    return { ok: false, error: EMAIL_ERRORS.disposable }
  }
  return { ok: true, email }
}

/**
 * Hex SHA-256 of an IP address with a secret salt, for rate limiting and abuse
 * checks without storing addresses. The salt must not be empty.
 */
export function hashIp(ip: string, salt: string): string {
  return saltedHash('hashIp', ip, salt)
}

/**
 * Hex SHA-256 of a (normalised) email address with a secret salt: a key for per-address rate
 * limits that does not store the address. The salt must not be empty.
 */
export function hashEmail(email: string, salt: string): string {
  return saltedHash('hashEmail', email, salt)
}

function saltedHash(name: string, value: string, salt: string): string {
  if (typeof salt !== 'string' || salt === '') {
    throw new TypeError(`${name}: a non-empty salt is required`)
  }
  const normalised = typeof value === 'string' ? value.trim().toLowerCase() : ''
  return createHash('sha256').update(salt, 'utf8').update('\u0000').update(normalised, 'utf8').digest('hex')
}
