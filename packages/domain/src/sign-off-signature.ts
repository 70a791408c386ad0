/**
 * Signed sign-offs: the canonical string a reviewer's passkey signs, how the WebAuthn challenge
 * is derived from it, and how anyone checks such a signature with the reviewer's published key.
 *
 * The canonical string (UTF-8, lines joined by "\n", no trailing newline):
 *
 *   Runsense sign-off v1
 *   guide: <guide id>
 *   hash: <algorithm> v<content hash version> <hex value>
 *   reviewer: <reviewer profile id>
 *   at: <ISO 8601 UTC time the challenge was issued, e.g. 2026-11-30T18:50:00.000Z>
 *
 * The WebAuthn challenge is base64url (no padding) of SHA-256 over that string's UTF-8 bytes;
 * the authenticator signs authenticatorData ‖ SHA-256(clientDataJSON), and clientDataJSON carries
 * the challenge. So the signature covers the guide, the exact content hash, the reviewer and the
 * time. The README walks through the check step by step.
 */
import { createHash, createPublicKey, verify, type JsonWebKey } from 'node:crypto'

export const SIGN_OFF_CHALLENGE_HEADER = 'Runsense sign-off v1'

/** Sign-offs recorded before this date were made before signatures were introduced. */
export const SIGNATURES_INTRODUCED_AT = '2026-11-30T00:00:00.000Z'

export type SignedHash = { algorithm: 'sha256'; version: number; value: string }

export type SignOffChallengeInput = {
  guideId: string | number
  hash: SignedHash
  reviewerId: string | number
  /** ISO 8601 UTC time. */
  at: string
}

const ID = /^[1-9]\d{0,9}$/
const HEX = /^[0-9a-f]{64}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** The canonical string for a sign-off; throws on an input that cannot be signed. */
export function signOffChallengeString(input: SignOffChallengeInput): string {
  const guide = String(input.guideId)
  const reviewer = String(input.reviewerId)
  const { algorithm, version, value } = input.hash
  if (!ID.test(guide)) throw new TypeError('guide id must be a positive whole number')
  if (!ID.test(reviewer)) throw new TypeError('reviewer id must be a positive whole number')
  if (algorithm !== 'sha256' || !HEX.test(value)) throw new TypeError('hash must be sha256 as 64 lower-case hex digits')
  if (!Number.isSafeInteger(version) || version < 1) throw new TypeError('hash version must be a positive whole number')
  const at = new Date(input.at)
  if (Number.isNaN(at.getTime())) throw new TypeError('at must be a time')
  return [SIGN_OFF_CHALLENGE_HEADER, `guide: ${guide}`, `hash: ${algorithm} v${version} ${value}`, `reviewer: ${reviewer}`, `at: ${at.toISOString()}`].join('\n')
}

/** The parts of a canonical string, or null when it is not exactly one. */
export function parseSignOffChallengeString(text: string): SignOffChallengeInput | null {
  const m = /^Runsense sign-off v1\nguide: ([1-9]\d{0,9})\nhash: (sha256) v([1-9]\d{0,8}) ([0-9a-f]{64})\nreviewer: ([1-9]\d{0,9})\nat: (\S+)$/.exec(text)
  if (!m || !ISO.test(m[6]) || Number.isNaN(new Date(m[6]).getTime())) return null
  const parsed: SignOffChallengeInput = { guideId: m[1], hash: { algorithm: 'sha256', version: Number(m[3]), value: m[4] }, reviewerId: m[5], at: m[6] }
  return signOffChallengeString(parsed) === text ? parsed : null
}

/** The WebAuthn challenge for a canonical string: base64url(sha256(UTF-8 bytes)). */
export function challengeBytes(canonical: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(canonical, 'utf8').digest())
}
export function challengeOf(canonical: string): string {
  return Buffer.from(challengeBytes(canonical)).toString('base64url')
}

/** What is kept and published of a signed sign-off (binary values base64url). */
export type SignOffSignature = {
  credentialId: string
  authenticatorData: string
  clientDataJSON: string
  signature: string
  /** The canonical string the challenge was derived from. */
  challenge: string
}

/** A published key (keys.json): its JWK and COSE algorithm (-7 ES256, -8 EdDSA, -257 RS256). */
export type PublishedKey = { credentialId: string; alg: number; jwk: JsonWebKey }

export type SignatureCheck = { ok: true } | { ok: false; reason: string }

const b64 = (s: string) => Buffer.from(s, 'base64url')

/**
 * Checks a stored sign-off signature against the signer's published key and what it must cover
 * (guide, hash, reviewer): the canonical string says so, clientDataJSON carries its challenge
 * (type webauthn.get), the authenticator verified the user, and the signature over
 * authenticatorData ‖ SHA-256(clientDataJSON) holds for the key.
 */
export function verifySignOffSignature(
  sig: SignOffSignature,
  key: PublishedKey,
  expected: { guideId: string | number; hash: string; reviewerId: string | number },
): SignatureCheck {
  const parts = parseSignOffChallengeString(sig.challenge)
  if (!parts) return { ok: false, reason: 'the canonical string is malformed' }
  if (String(parts.guideId) !== String(expected.guideId)) return { ok: false, reason: 'the signature is for another guide' }
  if (parts.hash.value !== expected.hash) return { ok: false, reason: 'the signature is for another text' }
  if (String(parts.reviewerId) !== String(expected.reviewerId)) return { ok: false, reason: 'the signature is for another reviewer' }
  if (sig.credentialId !== key.credentialId) return { ok: false, reason: 'the key is not the one that signed' }
  let client: { type?: unknown; challenge?: unknown }
  try {
    client = JSON.parse(b64(sig.clientDataJSON).toString('utf8'))
  } catch {
    return { ok: false, reason: 'clientDataJSON is not JSON' }
  }
  if (client.type !== 'webauthn.get') return { ok: false, reason: 'clientDataJSON is not an assertion' }
  if (client.challenge !== challengeOf(sig.challenge)) return { ok: false, reason: 'the challenge is not derived from the canonical string' }
  const authData = b64(sig.authenticatorData)
  // authenticatorData: 32 bytes RP id hash, then one flags byte (bit 0 user present, bit 2 user verified).
  if (authData.length < 37 || (authData[32] & 0x05) !== 0x05) return { ok: false, reason: 'the authenticator did not verify the user' }
  const signed = Buffer.concat([authData, createHash('sha256').update(b64(sig.clientDataJSON)).digest()])
  try {
    const publicKey = createPublicKey({ key: key.jwk, format: 'jwk' })
    const digest = key.alg === -8 ? null : 'sha256'
    const good = verify(digest, signed, key.alg === -7 ? { key: publicKey, dsaEncoding: 'der' } : publicKey, b64(sig.signature))
    return good ? { ok: true } : { ok: false, reason: 'the signature does not match the key' }
  } catch {
    return { ok: false, reason: 'the key or signature cannot be read' }
  }
}

/** What a page says of a sign-off's signature, in the site's fixed words. */
export const SIGNATURE_LABELS = {
  verified: 'Signature verified',
  before: 'Signed before signatures were introduced',
  unsigned: 'Not signed with a passkey',
  failed: 'Signature does not verify',
} as const
export type SignatureStatus = keyof typeof SIGNATURE_LABELS

/**
 * The status of a sign-off's signature: verified only when it checks out with the signer's
 * published key; a sign-off without one is "before" when it predates signatures, never verified.
 */
export function signatureStatus(
  signOff: { at?: string | null; hash?: string | null; signature?: unknown } | null | undefined,
  keys: readonly PublishedKey[],
  expected: { guideId: string | number; reviewerId: string | number },
): SignatureStatus {
  const sig = signOff?.signature as SignOffSignature | null | undefined
  if (!sig || typeof sig !== 'object') {
    return signOff?.at && signOff.at < SIGNATURES_INTRODUCED_AT ? 'before' : 'unsigned'
  }
  const key = keys.find((k) => k.credentialId === sig.credentialId)
  if (!key || !signOff?.hash) return 'failed'
  return verifySignOffSignature(sig, key, { ...expected, hash: signOff.hash }).ok ? 'verified' : 'failed'
}
