/**
 * Email validation for newsletter signups: normaliseEmail with the full, maintained list of
 * disposable-mail domains (disposable-email-domains, ~120k entries) as one Set, built once.
 */
import list from 'disposable-email-domains/index.json'
import { type NormalisedEmail, normaliseEmail } from './email'

let domains: Set<string> | undefined

export function normaliseSignupEmail(input: unknown): NormalisedEmail {
  domains ??= new Set(list as string[])
  return normaliseEmail(input, { disposableDomains: domains })
}
