import type { PayloadRequest } from 'payload'
import { secondFactorStatus } from '../lib/secondFactor'
import { activePasskeys } from '../lib/passkeys'
import { roleOf } from './roles'

/** Workflow actions that put a name to medical content, or put it in front of readers. */
const NEEDS_SECOND_FACTOR = new Set(['sign_off', 'publish', 'schedule_publish'])

/**
 * Why this session may not take the action, or null when it may: where a second factor is
 * required (lib/secondFactor.ts), these actions need a session that has passed it.
 */
export async function secondFactorRefusal(req: PayloadRequest, action: string): Promise<string | null> {
  if (!NEEDS_SECOND_FACTOR.has(action)) return null
  // A reviewer's passkey is their second factor: their sign-off must then carry an assertion with
  // user verification (lib/passkeys.ts, checked in the workflow), stronger than a code.
  if (action === 'sign_off' && roleOf(req.user) === 'reviewer' && (await activePasskeys(req, Number(req.user!.id))).length) return null
  const status = await secondFactorStatus(req)
  if (!status || !status.required || status.passed) return null
  return status.enrolled
    ? 'Signing off and publishing need a session that has passed your second factor: enter a code from your authenticator app first.'
    : 'Signing off and publishing need two-factor sign-in: set up your authenticator app first.'
}
