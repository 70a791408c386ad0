/**
 * Reviewers' passkeys (WebAuthn, with @simplewebauthn/server): registration, the sign-off
 * challenge derived from the canonical string (@runsense/domain/sign-off-signature), and the check
 * of a sign-off's assertion. Challenges are single-use and expire: one row each in
 * webauthn_challenges (see the migration), taken (deleted) by the check that uses it.
 */
import { sql } from '@payloadcms/db-postgres'
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport as AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { cose, decodeClientDataJSON, decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Payload, PayloadRequest } from 'payload'
import type { ReviewerPasskey, User } from '@runsense/types'
import { CONTENT_HASH_VERSION } from '@runsense/domain/content-hash'
import { challengeBytes, challengeOf, parseSignOffChallengeString, signOffChallengeString, type SignOffSignature } from '@runsense/domain/sign-off-signature'
import { execute } from './db'

const on = (v: string | undefined) => ['on', 'true', '1', 'yes'].includes((v ?? '').toLowerCase())

/** REQUIRE_PASSKEY_SIGNOFF=true: every sign-off must be signed with a passkey (on in production). */
export const passkeyRequiredForAll = () => on(process.env.REQUIRE_PASSKEY_SIGNOFF)

/** The relying party: the CMS's public address (CMS_URL), or WEBAUTHN_RP_ID / WEBAUTHN_ORIGIN. */
export function relyingParty() {
  const url = new URL(process.env.CMS_URL || 'http://localhost:3001')
  return { id: process.env.WEBAUTHN_RP_ID || url.hostname, origin: process.env.WEBAUTHN_ORIGIN || url.origin, name: 'Runsense CMS' }
}

/** How long a challenge may be answered. */
const CHALLENGE_SECONDS = 300
/** ES256, EdDSA, RS256: what the published JWKs and the standalone verifier cover. */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257]

const idOf = (v: unknown) => (v && typeof v === 'object' ? Number((v as { id: unknown }).id) : Number(v))

/** A person's passkeys that are not retired. */
export async function activePasskeys(req: PayloadRequest, userId: number): Promise<ReviewerPasskey[]> {
  const { docs } = await req.payload.find({
    collection: 'reviewer-passkeys',
    where: { and: [{ user: { equals: userId } }, { retiredAt: { exists: false } }] },
    limit: 100,
    depth: 0,
    overrideAccess: true,
    req,
  })
  return docs as ReviewerPasskey[]
}

async function storeChallenge(
  req: PayloadRequest,
  challenge: string,
  userId: number,
  purpose: 'register' | 'sign_off' | 'session',
  guideId: number | null,
  canonical: string | null,
) {
  await execute(
    req,
    sql`insert into webauthn_challenges (challenge, user_id, purpose, guide_id, canonical, expires_at)
        values (${challenge}, ${userId}, ${purpose}, ${guideId}, ${canonical}, now() + make_interval(secs => ${CHALLENGE_SECONDS}))`,
  )
  // Old unanswered challenges go as new ones are made.
  await execute(req, sql`delete from webauthn_challenges where expires_at < now() - interval '1 day'`)
}

type ChallengeRow = { challenge: string; user_id: number; purpose: string; guide_id: number | null; canonical: string | null; expired: boolean }

/** Takes a challenge (single use): the row, or null when it was never issued or already used. */
async function takeChallenge(req: PayloadRequest, challenge: string, purpose: string): Promise<ChallengeRow | null> {
  const rows = await execute(
    req,
    sql`delete from webauthn_challenges where challenge = ${challenge} and purpose = ${purpose}
        returning challenge, user_id, purpose, guide_id, canonical, expires_at < now() as expired`,
  )
  return (rows[0] as ChallengeRow | undefined) ?? null
}

/** The client's challenge (base64url) from an answer's clientDataJSON, or null when unreadable. */
function clientChallenge(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string') return null
  try {
    const c = decodeClientDataJSON(clientDataJSON).challenge
    return typeof c === 'string' ? c : null
  } catch {
    return null
  }
}

/** The published form of a COSE public key: a JWK (RFC 7517/8037) the verifier can import. */
export function jwkOf(publicKey: Uint8Array): { jwk: Record<string, unknown>; alg: number } {
  // The COSE map as the library decodes it; read by its numeric labels (RFC 9053).
  const key = decodeCredentialPublicKey(publicKey as Uint8Array<ArrayBuffer>) as unknown as Map<number, unknown>
  const K = cose.COSEKEYS as unknown as Record<string, number>
  const get = (label: number) => key.get(label)
  const alg = Number(get(K.alg))
  const kty = Number(get(K.kty))
  const crv = Number(get(K.crv))
  const b64 = (v: unknown) => isoBase64URL.fromBuffer(v as Uint8Array<ArrayBuffer>)
  if (kty === cose.COSEKTY.EC2 && crv === cose.COSECRV.P256) return { alg, jwk: { kty: 'EC', crv: 'P-256', x: b64(get(K.x)), y: b64(get(K.y)) } }
  if (kty === cose.COSEKTY.OKP && crv === cose.COSECRV.ED25519) return { alg, jwk: { kty: 'OKP', crv: 'Ed25519', x: b64(get(K.x)) } }
  if (kty === cose.COSEKTY.RSA) return { alg, jwk: { kty: 'RSA', n: b64(get(K.n)), e: b64(get(K.e)) } }
  throw new Error('This kind of key is not supported: use a passkey with ES256, EdDSA or RS256.')
}

/** Whether this account signs off (a reviewer with a public profile): only they register passkeys. */
export const reviewerProfileOf = (user: PayloadRequest['user']): number | null => {
  const u = user as User | null
  if (!u || u.collection !== 'users' || u.role !== 'reviewer' || !u.reviewer) return null
  return idOf(u.reviewer)
}

/** Options for navigator.credentials.create(): a new passkey for the signed-in reviewer. */
export async function registrationOptions(req: PayloadRequest) {
  const user = req.user as User
  const existing = await activePasskeys(req, Number(user.id))
  const rp = relyingParty()
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(`runsense-user-${user.id}`),
    attestationType: 'none',
    excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: (k.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  })
  await storeChallenge(req, options.challenge, Number(user.id), 'register', null, null)
  return options
}

/** Checks a new passkey (user verification required) and records it; the error is a sentence. */
export async function registerPasskey(
  req: PayloadRequest,
  name: string,
  response: RegistrationResponseJSON,
): Promise<{ ok: true; doc: ReviewerPasskey } | { ok: false; error: string }> {
  const user = req.user as User
  const challenge = clientChallenge(response?.response?.clientDataJSON)
  const row = challenge ? await takeChallenge(req, challenge, 'register') : null
  if (!row || row.user_id !== Number(user.id)) return { ok: false, error: 'This passkey request was not issued to you or was already used: start again.' }
  if (row.expired) return { ok: false, error: 'This passkey request expired: start again.' }
  const rp = relyingParty()
  let info
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: row.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    })
    if (!result.verified) return { ok: false, error: 'The passkey could not be verified.' }
    info = result.registrationInfo
  } catch (err) {
    return { ok: false, error: `The passkey could not be verified: ${(err as Error).message}` }
  }
  const { jwk, alg } = jwkOf(info.credential.publicKey)
  const doc = (await req.payload.create({
    collection: 'reviewer-passkeys',
    data: {
      name,
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      jwk,
      algorithm: alg,
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      user: Number(user.id),
      reviewer: reviewerProfileOf(user),
      addedAt: new Date().toISOString(),
    },
    overrideAccess: true, // only this check creates passkeys
    req,
  })) as ReviewerPasskey
  return { ok: true, doc }
}

/** Options for navigator.credentials.get() to sign off a guide at this hash: the challenge is derived from the canonical string. */
export async function signOffOptions(req: PayloadRequest, guideId: number, reviewerId: number, hash: string) {
  const user = req.user as User
  const keys = await activePasskeys(req, Number(user.id))
  if (!keys.length) return null
  const canonical = signOffChallengeString({ guideId, hash: { algorithm: 'sha256', version: CONTENT_HASH_VERSION, value: hash }, reviewerId, at: new Date().toISOString() })
  const rp = relyingParty()
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: challengeBytes(canonical) as Uint8Array<ArrayBuffer>,
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: (k.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined })),
    userVerification: 'required',
    timeout: CHALLENGE_SECONDS * 1000,
  })
  await storeChallenge(req, options.challenge, Number(user.id), 'sign_off', guideId, canonical)
  return { options, canonical }
}

/** A sign-off's assertion as sent (AuthenticationResponseJSON), checked for shape only. */
export function isAssertion(v: unknown): v is AuthenticationResponseJSON {
  const a = v as AuthenticationResponseJSON
  return Boolean(
    a &&
    typeof a === 'object' &&
    typeof a.id === 'string' &&
    typeof a.rawId === 'string' &&
    a.type === 'public-key' &&
    a.response &&
    typeof a.response.authenticatorData === 'string' &&
    typeof a.response.clientDataJSON === 'string' &&
    typeof a.response.signature === 'string',
  )
}

export type SignOffCheck = { ok: true; signature: SignOffSignature | null } | { ok: false; error: string }

/**
 * The passkey rule of a sign-off, in the workflow's transaction: a reviewer who has a passkey (or
 * everyone, with REQUIRE_PASSKEY_SIGNOFF) signs with it; the assertion must be made by one of the
 * actor's own keys, over a challenge issued to them for this guide, this hash and their reviewer
 * profile (single use, unexpired), with origin, RP id, user verification and counter checked.
 */
export async function checkSignOff(
  req: PayloadRequest,
  { guideId, userId, reviewerId, hash, assertion }: { guideId: number; userId: number; reviewerId: number; hash: string; assertion: unknown },
): Promise<SignOffCheck> {
  const keys = await activePasskeys(req, userId)
  if (assertion === undefined || assertion === null) {
    if (keys.length) return { ok: false, error: 'You have a passkey, so your sign-off must be signed with it: confirm the sign-off with your passkey.' }
    if (passkeyRequiredForAll()) return { ok: false, error: 'Sign-offs must be signed with a passkey here: add a passkey on your account page first.' }
    return { ok: true, signature: null }
  }
  if (!isAssertion(assertion)) return { ok: false, error: 'The passkey signature is not in the expected form.' }
  const key = keys.find((k) => k.credentialId === assertion.id)
  if (!key) return { ok: false, error: 'That passkey is not one of yours (or it was retired): sign with your own passkey.' }
  const challenge = clientChallenge(assertion.response.clientDataJSON)
  const row = challenge ? await takeChallenge(req, challenge, 'sign_off') : null
  if (!row || row.user_id !== userId || !row.canonical)
    return { ok: false, error: 'This signature answers no open sign-off request of yours (it was already used, or never issued): sign again.' }
  if (row.expired) return { ok: false, error: 'This sign-off request expired: sign again.' }
  const parts = parseSignOffChallengeString(row.canonical)
  if (!parts || challengeOf(row.canonical) !== row.challenge) return { ok: false, error: 'This signature answers no open sign-off request of yours: sign again.' }
  if (String(parts.guideId) !== String(guideId) || row.guide_id !== guideId) return { ok: false, error: 'This signature is for another guide: sign this guide.' }
  if (parts.hash.value !== hash) return { ok: false, error: 'The text changed after you signed: review the current text and sign again.' }
  if (String(parts.reviewerId) !== String(reviewerId)) return { ok: false, error: 'This signature is for another reviewer profile.' }
  const verified = await verifyWithKey(req, key, row.challenge, assertion)
  if (verified !== true) return { ok: false, error: verified }
  return {
    ok: true,
    signature: {
      credentialId: key.credentialId,
      authenticatorData: assertion.response.authenticatorData,
      clientDataJSON: assertion.response.clientDataJSON,
      signature: assertion.response.signature,
      challenge: row.canonical,
    },
  }
}

/** Reviewer accounts with no passkey in use (for admins: the desk and /api/reviewer-passkeys/missing). */
export async function reviewersWithoutPasskey(payload: Payload): Promise<{ id: number; name: string; email: string }[]> {
  const { docs: reviewers } = await payload.find({ collection: 'users', where: { role: { equals: 'reviewer' } }, sort: 'name', limit: 500, depth: 0, overrideAccess: true })
  const { docs: keys } = await payload.find({
    collection: 'reviewer-passkeys',
    where: { retiredAt: { exists: false } },
    limit: 5000,
    depth: 0,
    overrideAccess: true,
    select: { user: true },
  })
  const withKey = new Set(keys.map((k) => String(idOf(k.user))))
  return reviewers.filter((u) => !withKey.has(String(u.id))).map((u) => ({ id: Number(u.id), name: u.name, email: u.email }))
}

/** Checks an assertion with one of the person's keys over an issued challenge (origin, RP id, UV, counter); true or the reason. */
async function verifyWithKey(req: PayloadRequest, key: ReviewerPasskey, challenge: string, assertion: AuthenticationResponseJSON): Promise<true | string> {
  const rp = relyingParty()
  let verification
  try {
    verification = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: key.credentialId,
        publicKey: isoBase64URL.toBuffer(key.publicKey),
        counter: key.counter ?? 0,
        transports: (key.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined,
      },
    })
  } catch (err) {
    return `The passkey signature could not be verified: ${(err as Error).message}`
  }
  if (!verification.verified) return 'The passkey signature could not be verified.'
  await req.payload.update({
    collection: 'reviewer-passkeys',
    id: key.id,
    data: { counter: verification.authenticationInfo.newCounter, lastUsedAt: new Date().toISOString() },
    overrideAccess: true,
    req,
  })
  return true
}

/**
 * A reviewer's passkey as the second factor of their session (two-factor sign-in): options for
 * navigator.credentials.get() over a random, single-use challenge, or null without a passkey.
 */
export async function sessionPasskeyOptions(req: PayloadRequest) {
  const userId = Number(req.user!.id)
  const keys = reviewerProfileOf(req.user) === null ? [] : await activePasskeys(req, userId)
  if (!keys.length) return null
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: (k.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined })),
    userVerification: 'required',
    timeout: CHALLENGE_SECONDS * 1000,
  })
  await storeChallenge(req, options.challenge, userId, 'session', null, null)
  return options
}

/** Whether an assertion answers a session challenge of this reviewer with one of their keys. */
export async function verifySessionPasskey(req: PayloadRequest, assertion: unknown): Promise<true | string> {
  const userId = Number(req.user!.id)
  if (reviewerProfileOf(req.user) === null) return 'Only reviewers use a passkey as their second factor.'
  if (!isAssertion(assertion)) return 'The passkey answer is not in the expected form.'
  const key = (await activePasskeys(req, userId)).find((k) => k.credentialId === assertion.id)
  if (!key) return 'That passkey is not one of yours (or it was retired).'
  const challenge = clientChallenge(assertion.response.clientDataJSON)
  const row = challenge ? await takeChallenge(req, challenge, 'session') : null
  if (!row || row.user_id !== userId) return 'This passkey answer was already used or never asked for: try again.'
  if (row.expired) return 'This passkey request expired: try again.'
  return verifyWithKey(req, key, row.challenge, assertion)
}
