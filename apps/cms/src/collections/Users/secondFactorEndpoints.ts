import type { Endpoint, PayloadRequest } from 'payload'
import { isAdminUser, isStaffUser } from '../../access/roles'
import { clientAddress, hashClientAddress } from '../../lib/clientAddress'
import { json, jsonObject } from '../../lib/http'
import { forgive, hit } from '../../lib/rateLimit'
import { confirmEnrolment, passSecondFactor, passSession, resetSecondFactor, secondFactorStatus, startEnrolment } from '../../lib/secondFactor'
import { sessionPasskeyOptions, verifySessionPasskey } from '../../lib/passkeys'
import { recordAudit } from '../AuditLog'

const signedIn = (req: PayloadRequest) => (isStaffUser(req.user) ? null : json(401, { error: 'Sign in first.' }))
const codeOf = (body: Record<string, unknown> | null, key: string) => (typeof body?.[key] === 'string' ? (body[key] as string) : undefined)

/** Wrong codes per person and client: 5 per 15 minutes (a 6-digit code is otherwise guessable). */
const CODE_LIMIT = 5
const CODE_WINDOW_SECONDS = 900
const codeKey = (req: PayloadRequest) => `2fa:${req.user!.id}:${hashClientAddress(clientAddress(req.headers))}`

/** Counted before the check (parallel guesses count in full); a right code takes its attempt back. */
async function tooManyCodes(req: PayloadRequest) {
  const retry = await hit(req, codeKey(req), CODE_LIMIT, CODE_WINDOW_SECONDS)
  return retry === null ? null : json(429, { error: `Too many codes tried. Try again in ${Math.ceil(retry / 60)} minutes.` }, { 'retry-after': String(retry) })
}
const rightCode = (req: PayloadRequest) => forgive(req, codeKey(req), CODE_WINDOW_SECONDS)

/** GET /api/users/second-factor: { required, enrolled, passed } for this session. */
export const secondFactorGet: Endpoint = {
  path: '/second-factor',
  method: 'get',
  handler: async (req) => signedIn(req) ?? json(200, await secondFactorStatus(req)),
}

/** POST /api/users/second-factor/enrol: a new secret and otpauth:// URI for the authenticator app. */
export const secondFactorEnrol: Endpoint = {
  path: '/second-factor/enrol',
  method: 'post',
  handler: async (req) => {
    const refused = signedIn(req)
    if (refused) return refused
    const started = await startEnrolment(req)
    if (started === 'enrolled') return json(409, { error: 'Your second factor is already set up. An admin can reset it if you lost it.' })
    return json(200, started)
  },
}

/** POST /api/users/second-factor/confirm { code }: turns the second factor on; answers the recovery codes once. */
export const secondFactorConfirm: Endpoint = {
  path: '/second-factor/confirm',
  method: 'post',
  handler: async (req) => {
    const refused = signedIn(req) ?? (await tooManyCodes(req))
    if (refused) return refused
    const code = codeOf(await jsonObject(req), 'code')
    const recoveryCodes = code ? await confirmEnrolment(req, code) : null
    if (!recoveryCodes) return json(400, { error: 'That code does not match. Start the setup again if the code keeps failing.' })
    await rightCode(req)
    return json(200, { recoveryCodes })
  },
}

/** POST /api/users/second-factor/verify { code } or { recoveryCode }: this session passes the second factor. */
export const secondFactorVerify: Endpoint = {
  path: '/second-factor/verify',
  method: 'post',
  handler: async (req) => {
    const refused = signedIn(req) ?? (await tooManyCodes(req))
    if (refused) return refused
    const body = await jsonObject(req)
    const ok = await passSecondFactor(req, { code: codeOf(body, 'code'), recoveryCode: codeOf(body, 'recoveryCode') })
    if (!ok) return json(400, { error: 'That code is not valid (each code works once).' })
    await rightCode(req)
    return json(200, await secondFactorStatus(req))
  },
}

/** POST /api/users/second-factor/passkey/options: for a reviewer with a passkey, WebAuthn options to pass the second factor with it. */
export const secondFactorPasskeyOptions: Endpoint = {
  path: '/second-factor/passkey/options',
  method: 'post',
  handler: async (req) => {
    const refused = signedIn(req)
    if (refused) return refused
    const options = await sessionPasskeyOptions(req)
    return options ? json(200, options) : json(409, { error: 'You have no passkey: use your authenticator app.' })
  },
}

/** POST /api/users/second-factor/passkey { assertion }: a reviewer's passkey (user verified) passes this session's second factor. */
export const secondFactorPasskey: Endpoint = {
  path: '/second-factor/passkey',
  method: 'post',
  handler: async (req) => {
    const refused = signedIn(req)
    if (refused) return refused
    const body = await jsonObject(req)
    const result = await verifySessionPasskey(req, body?.assertion)
    if (result !== true) return json(400, { error: result })
    await passSession(req, Number(req.user!.id))
    return json(200, await secondFactorStatus(req))
  },
}

/** POST /api/users/:id/second-factor/reset (admins): removes a person's second factor, in the audit log. */
export const secondFactorReset: Endpoint = {
  path: '/:id/second-factor/reset',
  method: 'post',
  handler: async (req) => {
    if (!isAdminUser(req.user)) return json(403, { error: 'Only an admin can reset a second factor.' })
    const id = Number(req.routeParams?.id)
    if (!Number.isSafeInteger(id) || id <= 0) return json(404, { error: 'No such account.' })
    const person = await req.payload.findByID({ collection: 'users', id, disableErrors: true, depth: 0 })
    if (!person) return json(404, { error: 'No such account.' })
    const removed = await resetSecondFactor(req, id)
    await recordAudit(req, {
      entity: 'users',
      entityId: id,
      action: 'update',
      summary: `Second factor reset for ${person.email}`,
      changes: { secondFactor: { from: removed ? 'set up' : 'none', to: 'none' } },
    })
    return json(200, { reset: removed })
  },
}

export const secondFactorEndpoints = [
  secondFactorGet,
  secondFactorEnrol,
  secondFactorConfirm,
  secondFactorVerify,
  secondFactorPasskeyOptions,
  secondFactorPasskey,
  secondFactorReset,
]
