import { describe, it, expect } from 'vitest'
import { createHash, generateKeyPairSync, sign } from 'node:crypto'

import { challengeOf, parseSignOffChallengeString, signOffChallengeString, verifySignOffSignature, type PublishedKey, type SignOffSignature } from './sign-off-signature'

const HASH = 'a'.repeat(64)
const input = { guideId: 12, hash: { algorithm: 'sha256' as const, version: 2, value: HASH }, reviewerId: 3, at: '2026-11-30T18:50:00.000Z' }

describe('signOffChallengeString', () => {
  it('is the documented lines, exactly', () => {
    expect(signOffChallengeString(input)).toBe(`Runsense sign-off v1\nguide: 12\nhash: sha256 v2 ${HASH}\nreviewer: 3\nat: 2026-11-30T18:50:00.000Z`)
  })
  it('normalises the time to UTC ISO and ids to strings', () => {
    expect(signOffChallengeString({ ...input, guideId: '12', at: '2026-11-30T19:50:00+01:00' })).toBe(signOffChallengeString(input))
  })
  it('refuses what cannot be signed', () => {
    expect(() => signOffChallengeString({ ...input, guideId: 0 })).toThrow()
    expect(() => signOffChallengeString({ ...input, reviewerId: '3\nguide: 4' })).toThrow()
    expect(() => signOffChallengeString({ ...input, hash: { ...input.hash, value: 'A'.repeat(64) } })).toThrow()
    expect(() => signOffChallengeString({ ...input, hash: { ...input.hash, version: 0 } })).toThrow()
    expect(() => signOffChallengeString({ ...input, at: 'yesterday' })).toThrow()
  })
  it('parses back only its own output', () => {
    const s = signOffChallengeString(input)
    expect(parseSignOffChallengeString(s)).toEqual({ ...input, guideId: '12', reviewerId: '3' })
    expect(parseSignOffChallengeString(s + '\n')).toBeNull()
    expect(parseSignOffChallengeString(s.replace('guide: 12', 'guide: 012'))).toBeNull()
    expect(parseSignOffChallengeString(s.replace('.000Z', 'Z'))).toBeNull()
  })
})

describe('challengeOf', () => {
  it('is base64url of sha256 of the UTF-8 string', () => {
    const s = signOffChallengeString(input)
    expect(challengeOf(s)).toBe(createHash('sha256').update(Buffer.from(s, 'utf8')).digest('base64url'))
    expect(challengeOf(s)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

// A software signer standing in for an authenticator (test only): P-256 key, WebAuthn byte layout.
function signed(canonical: string, flags = 0x05) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const authenticatorData = Buffer.concat([createHash('sha256').update('localhost').digest(), Buffer.from([flags, 0, 0, 0, 1])])
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: challengeOf(canonical), origin: 'http://localhost' }))
  const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), privateKey)
  const sig: SignOffSignature = {
    credentialId: 'cred-1',
    authenticatorData: authenticatorData.toString('base64url'),
    clientDataJSON: clientDataJSON.toString('base64url'),
    signature: signature.toString('base64url'),
    challenge: canonical,
  }
  const key: PublishedKey = { credentialId: 'cred-1', alg: -7, jwk: publicKey.export({ format: 'jwk' }) }
  return { sig, key }
}

describe('verifySignOffSignature', () => {
  const canonical = signOffChallengeString(input)
  const expected = { guideId: 12, hash: HASH, reviewerId: 3 }

  it('accepts a good signature', () => {
    const { sig, key } = signed(canonical)
    expect(verifySignOffSignature(sig, key, expected)).toEqual({ ok: true })
  })
  it('refuses each kind of mismatch', () => {
    const { sig, key } = signed(canonical)
    expect(verifySignOffSignature(sig, key, { ...expected, guideId: 13 }).ok).toBe(false)
    expect(verifySignOffSignature(sig, key, { ...expected, hash: 'b'.repeat(64) }).ok).toBe(false)
    expect(verifySignOffSignature(sig, key, { ...expected, reviewerId: 4 }).ok).toBe(false)
    const other = signed(canonical).key
    expect(verifySignOffSignature(sig, other, expected)).toEqual({ ok: false, reason: 'the signature does not match the key' })
    const tamperedSig = Buffer.from(sig.signature, 'base64url')
    tamperedSig[tamperedSig.length - 1] ^= 1
    expect(verifySignOffSignature({ ...sig, signature: tamperedSig.toString('base64url') }, key, expected).ok).toBe(false)
    const otherTime = signOffChallengeString({ ...input, at: '2026-11-30T18:51:00.000Z' })
    expect(verifySignOffSignature({ ...sig, challenge: otherTime }, key, expected)).toEqual({ ok: false, reason: 'the challenge is not derived from the canonical string' })
  })
  it('refuses an assertion without user verification', () => {
    const { sig, key } = signed(canonical, 0x01)
    expect(verifySignOffSignature(sig, key, expected)).toEqual({ ok: false, reason: 'the authenticator did not verify the user' })
  })
})
