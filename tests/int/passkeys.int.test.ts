/**
 * Signed sign-offs (issue 16): reviewers register passkeys, sign_off carries a WebAuthn assertion
 * the workflow verifies before recording, replays are refused, and anyone can verify the record
 * with the standalone verifier (packages/verify-review/verify-review.mjs) — which fails on each kind of tampering.
 *
 * The authenticator here is a SOFTWARE one (tests/helpers/softAuthenticator.ts: a node:crypto
 * P-256 key, WebAuthn bytes built in the test helper), because no hardware authenticator runs in
 * a Node test; the e2e test (tests/e2e/passkeys.e2e.ts) uses Chromium's virtual authenticator.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, cmsUrl, createGuide, createStaffAccount, rest, signIn, siteUrl } from '../helpers/api'
import { eventually } from '../helpers/poll'
import { softAuthenticator, type SoftAuthenticator } from '../helpers/softAuthenticator'

const run = promisify(execFile)
const root = path.resolve(__dirname, '../..')
const origin = new URL(cmsUrl()).origin
let seq = 0

/** A request with a given staff session token. */
async function as(token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${cmsUrl()}${p}`, {
    method,
    headers: { authorization: `JWT ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: res.status, body: parsed }
}

type Signer = { token: string; userId: number; profileId: number; slug: string; auth: SoftAuthenticator; keyId: number }

/** A new reviewer account with its own verified public profile and a registered (software) passkey. */
async function signingReviewer(): Promise<Signer> {
  const n = `${Date.now().toString(36)}${++seq}`
  const profile = await rest('POST', '/api/reviewers', {
    as: 'admin',
    body: { name: `Signing Reviewer ${n}`, role: 'Physiotherapist', credentials: 'PT', verification: { verifiedAt: new Date().toISOString() } },
  })
  expect(profile.status, JSON.stringify(profile.body)).toBe(201)
  const account = await createStaffAccount('reviewer')
  expect((await rest('PATCH', `/api/users/${account.id}`, { as: 'admin', body: { reviewer: profile.body.doc.id } })).status).toBe(200)
  const { token } = await signIn(account.email, account.password)
  const auth = softAuthenticator({ origin })
  const options = await as(token!, 'POST', '/api/reviewer-passkeys/register/options')
  expect(options.status, JSON.stringify(options.body)).toBe(200)
  expect(options.body.authenticatorSelection.userVerification).toBe('required')
  const registered = await as(token!, 'POST', '/api/reviewer-passkeys/register', { name: 'laptop', response: auth.create(options.body) })
  expect(registered.status, JSON.stringify(registered.body)).toBe(201)
  return { token: token!, userId: account.id, profileId: profile.body.doc.id, slug: profile.body.doc.slug, auth, keyId: registered.body.doc.id }
}

/** A new guide sent to medical review with this reviewer profile assigned. */
async function guideFor(profileId: number, overrides: Record<string, unknown> = {}) {
  const guide = await createGuide('editor', overrides)
  expect((await act(guide.id, 'editor', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: profileId })).status).toBe(200)
  return guide
}

const signOffOptions = async (s: Signer, guideId: number) => {
  const res = await as(s.token, 'POST', `/api/articles/${guideId}/sign-off-options`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.body.passkey).toBe(true)
  return res.body as { canonical: string; options: { challenge: string } }
}
const signOff = (s: Signer, guideId: number, assertion?: unknown) =>
  as(s.token, 'POST', `/api/articles/${guideId}/workflow`, { action: 'sign_off', ...(assertion ? { assertion } : {}) })
const stageOf = async (guideId: number) => (await rest('GET', `/api/articles/${guideId}/workflow`, { as: 'editor' })).body.stage

let a: Signer
let b: Signer
let db: pg.Client

beforeAll(async () => {
  a = await signingReviewer()
  b = await signingReviewer()
  db = new pg.Client({ connectionString: process.env.DATABASE_URL })
  db.on('error', () => {})
  await db.connect()
})
afterAll(async () => db?.end())

describe('registering a passkey', () => {
  it('publishes the public key as a JWK; a registration without user verification, or from another origin, is refused', async () => {
    const keys = await rest('GET', `/api/reviewer-passkeys/published/${a.profileId}`)
    expect(keys.body.keys).toEqual([
      expect.objectContaining({ credentialId: a.auth.credentialId, alg: -7, jwk: { kty: 'EC', crv: 'P-256', x: a.auth.jwk.x, y: a.auth.jwk.y }, retiredAt: null }),
    ])

    const other = softAuthenticator({ origin })
    const o1 = await as(a.token, 'POST', '/api/reviewer-passkeys/register/options')
    const noUv = await as(a.token, 'POST', '/api/reviewer-passkeys/register', { name: 'no uv', response: other.create(o1.body, { flags: 0x41 }) })
    expect(noUv.status).toBe(400)
    const o2 = await as(a.token, 'POST', '/api/reviewer-passkeys/register/options')
    const evil = await as(a.token, 'POST', '/api/reviewer-passkeys/register', { name: 'evil', response: other.create(o2.body, { originOverride: 'https://evil.example' }) })
    expect(evil.status).toBe(400)
    // A registration challenge is single use.
    const replay = await as(a.token, 'POST', '/api/reviewer-passkeys/register', { name: 'again', response: other.create(o1.body) })
    expect(replay.status).toBe(400)
    expect((await rest('GET', `/api/reviewer-passkeys/published/${a.profileId}`)).body.keys).toHaveLength(1)
  })

  it('only reviewer accounts with a profile register; admins see who has none', async () => {
    expect((await rest('POST', '/api/reviewer-passkeys/register/options', { as: 'editor' })).status).toBe(403)
    expect((await rest('POST', '/api/reviewer-passkeys/register/options')).status).toBe(401)
    const missing = await rest('GET', '/api/reviewer-passkeys/missing', { as: 'admin' })
    expect(missing.status).toBe(200)
    const ids = missing.body.reviewers.map((r: { id: number }) => r.id)
    expect(ids).not.toContain(a.userId)
    expect(missing.body.reviewers.map((r: { email: string }) => r.email)).toContain('reviewer@runsense.local')
    expect((await rest('GET', '/api/reviewer-passkeys/missing', { as: 'editor' })).status).toBe(403)
    expect((await rest('GET', '/api/reviewer-passkeys/missing', { as: 'reviewer' })).status).toBe(403)
  })
})

describe("a passkey as the second factor of a reviewer's session", () => {
  it('a user-verified assertion over a session challenge passes this session; replays, other keys and people without a passkey are refused', async () => {
    expect((await as(a.token, 'GET', '/api/users/second-factor')).body).toMatchObject({ passkey: true, passed: false })
    const options = await as(a.token, 'POST', '/api/users/second-factor/passkey/options')
    expect(options.status).toBe(200)
    expect(options.body.userVerification).toBe('required')
    // Another reviewer's key, and no user verification: refused.
    expect((await as(a.token, 'POST', '/api/users/second-factor/passkey', { assertion: b.auth.get(options.body) })).status).toBe(400)
    const noUv = await as(a.token, 'POST', '/api/users/second-factor/passkey/options')
    expect((await as(a.token, 'POST', '/api/users/second-factor/passkey', { assertion: a.auth.get(noUv.body, { flags: 0x01 }) })).status).toBe(400)
    const fresh = await as(a.token, 'POST', '/api/users/second-factor/passkey/options')
    const assertion = a.auth.get(fresh.body)
    const passed = await as(a.token, 'POST', '/api/users/second-factor/passkey', { assertion })
    expect(passed.status, JSON.stringify(passed.body)).toBe(200)
    expect(passed.body).toMatchObject({ passed: true, passkey: true })
    // The same answer again (single-use challenge), and a sign-off challenge used as a session one: refused.
    expect((await as(a.token, 'POST', '/api/users/second-factor/passkey', { assertion })).status).toBe(400)
    const signing = await signOffOptions(a, (await guideFor(a.profileId)).id)
    expect((await as(a.token, 'POST', '/api/users/second-factor/passkey', { assertion: a.auth.get(signing.options) })).status).toBe(400)
    // Someone without a passkey has nothing to answer.
    expect((await rest('POST', '/api/users/second-factor/passkey/options', { as: 'reviewer' })).status).toBe(409)
    expect((await rest('POST', '/api/users/second-factor/passkey/options')).status).toBe(401)
  })
})

describe('who may see and change a passkey', () => {
  it('the owner renames and retires it; nobody changes its public key; others neither see nor change it; nobody deletes it', async () => {
    const s = await signingReviewer()
    const before = (await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body
    expect(before.publicKey).toBeTruthy()
    const renamed = await as(s.token, 'PATCH', `/api/reviewer-passkeys/${s.keyId}`, {
      name: 'YubiKey',
      publicKey: 'pQECAyYgASFYIAAA',
      jwk: { kty: 'EC' },
      credentialId: 'forged',
      user: 1,
      algorithm: -8,
    })
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200)
    const after = (await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body
    expect(after.name).toBe('YubiKey')
    for (const f of ['publicKey', 'jwk', 'credentialId', 'algorithm', 'addedAt']) expect(after[f], f).toEqual(before[f])
    expect(after.user === s.userId || after.user?.id === s.userId).toBe(true)
    // Even an admin cannot change the key material.
    await rest('PATCH', `/api/reviewer-passkeys/${s.keyId}`, { as: 'admin', body: { publicKey: 'pQECAyYgASFYIAAA', jwk: { kty: 'EC' } } })
    expect((await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body.publicKey).toBe(before.publicKey)

    // Another reviewer: cannot read, rename or retire it.
    expect([403, 404]).toContain((await as(a.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).status)
    expect([403, 404]).toContain((await as(a.token, 'PATCH', `/api/reviewer-passkeys/${s.keyId}`, { name: 'mine now', retiredAt: new Date().toISOString() })).status)
    expect((await as(a.token, 'GET', `/api/reviewer-passkeys?where[user][equals]=${s.userId}`)).body.totalDocs).toBe(0)
    expect([403, 404]).toContain((await rest('GET', `/api/reviewer-passkeys/${s.keyId}`, { as: 'editor' })).status)
    expect([401, 403, 404]).toContain((await rest('GET', `/api/reviewer-passkeys/${s.keyId}`)).status)
    expect((await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body.name).toBe('YubiKey')

    // Nobody deletes; retiring is once and for all.
    expect([403, 404]).toContain((await as(s.token, 'DELETE', `/api/reviewer-passkeys/${s.keyId}`)).status)
    expect([403, 404]).toContain((await rest('DELETE', `/api/reviewer-passkeys/${s.keyId}`, { as: 'admin' })).status)
    expect((await as(s.token, 'PATCH', `/api/reviewer-passkeys/${s.keyId}`, { retiredAt: '2020-01-01T00:00:00.000Z' })).status).toBe(200)
    const retired = (await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body.retiredAt
    expect(Date.parse(retired)).toBeGreaterThan(Date.now() - 120_000)
    await as(s.token, 'PATCH', `/api/reviewer-passkeys/${s.keyId}`, { retiredAt: null })
    expect((await as(s.token, 'GET', `/api/reviewer-passkeys/${s.keyId}`)).body.retiredAt).toBe(retired)
    // A created key never comes through the collection's API.
    expect([401, 403]).toContain(
      (
        await as(s.token, 'POST', '/api/reviewer-passkeys', {
          name: 'forged',
          credentialId: 'x',
          publicKey: 'x',
          jwk: {},
          algorithm: -7,
          user: s.userId,
          addedAt: new Date().toISOString(),
        })
      ).status,
    )
  })
})

describe('signing off with a passkey', () => {
  it('a reviewer with a passkey cannot sign off without an assertion (403 with a sentence)', async () => {
    const guide = await guideFor(a.profileId)
    const res = await signOff(a, guide.id)
    expect(res.status).toBe(403)
    expect(res.body.error).toMatch(/passkey/)
    expect(await stageOf(guide.id)).toBe('medical_review')
  })

  it('a valid assertion is verified and stored with the sign-off, with the canonical string', async () => {
    const guide = await guideFor(a.profileId)
    const { canonical, options } = await signOffOptions(a, guide.id)
    expect(canonical).toMatch(new RegExp(`^Runsense sign-off v1\\nguide: ${guide.id}\\nhash: sha256 v2 [0-9a-f]{64}\\nreviewer: ${a.profileId}\\nat: `))
    const res = await signOff(a, guide.id, a.auth.get(options))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const doc = (await rest('GET', `/api/articles/${guide.id}?draft=true&depth=0`, { as: 'editor' })).body
    expect(doc.signOff.signature).toMatchObject({ credentialId: a.auth.credentialId, challenge: canonical })
    expect(canonical).toContain(doc.signOff.hash)
  })

  it('refuses an assertion for another guide', async () => {
    const g1 = await guideFor(a.profileId)
    const g2 = await guideFor(a.profileId)
    const { options } = await signOffOptions(a, g1.id)
    const res = await signOff(a, g2.id, a.auth.get(options))
    expect(res.status).toBe(403)
    expect(res.body.error).toMatch(/another guide/)
    expect(await stageOf(g2.id)).toBe('medical_review')
  })

  it('refuses an assertion over another hash (the text changed after signing)', async () => {
    const guide = await guideFor(a.profileId)
    const { options } = await signOffOptions(a, guide.id)
    const assertion = a.auth.get(options)
    expect((await rest('PATCH', `/api/articles/${guide.id}?draft=true`, { as: 'editor', body: { summary: 'Changed after the reviewer signed.' } })).status).toBe(200)
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: a.profileId })).status).toBe(200)
    const res = await signOff(a, guide.id, assertion)
    expect(res.status).toBe(403)
    expect(res.body.error).toMatch(/text changed/)
  })

  it("refuses another reviewer's key, and a key's signature over another reviewer's challenge", async () => {
    const guide = await guideFor(a.profileId)
    // b signs a's challenge with b's key, and a submits it.
    const { options } = await signOffOptions(a, guide.id)
    const res = await signOff(a, guide.id, b.auth.get(options))
    expect(res.status).toBe(403)
    expect(res.body.error).toMatch(/not one of yours/)
    // a's key used by someone who got the challenge for b's profile: b's challenge is bound to b.
    const own = await signOffOptions(b, guide.id)
    const crossed = await signOff(a, guide.id, a.auth.get(own.options))
    expect(crossed.status).toBe(403)
    expect(await stageOf(guide.id)).toBe('medical_review')
  })

  it('refuses a replayed assertion (challenges are single use) and an expired challenge', async () => {
    const guide = await guideFor(a.profileId)
    const { options } = await signOffOptions(a, guide.id)
    const assertion = a.auth.get(options)
    expect((await signOff(a, guide.id, assertion)).status).toBe(200)
    // Back to medical review with the same text, then the same assertion again.
    expect((await act(guide.id, 'editor', 'archive')).status).toBe(200)
    expect((await act(guide.id, 'editor', 'restore')).status).toBe(200)
    expect((await act(guide.id, 'editor', 'submit')).status).toBe(200)
    expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: a.profileId })).status).toBe(200)
    const replay = await signOff(a, guide.id, assertion)
    expect(replay.status).toBe(403)
    expect(replay.body.error).toMatch(/already used/)

    const late = await signOffOptions(a, guide.id)
    await db.query(`update webauthn_challenges set expires_at = now() - interval '1 second' where challenge = $1`, [late.options.challenge])
    const expired = await signOff(a, guide.id, a.auth.get(late.options))
    expect(expired.status).toBe(403)
    expect(expired.body.error).toMatch(/expired/)
    expect(await stageOf(guide.id)).toBe('medical_review')
  })

  it('refuses an assertion from another origin or RP id, without user verification, with a counter that went back, or with a bad signature', async () => {
    const guide = await guideFor(a.profileId)
    for (const [what, make] of [
      ['origin', (o: { challenge: string }) => a.auth.get(o, { originOverride: 'https://evil.example' })],
      ['rp id', (o: { challenge: string }) => a.auth.get(o, { rpIdOverride: 'evil.example' })],
      // A's key has signed before (counter above 1): a counter of 1 is what a cloned key would send.
      ['counter', (o: { challenge: string }) => a.auth.get(o, { counterOverride: 1 })],
      ['uv', (o: { challenge: string }) => a.auth.get(o, { flags: 0x01 })],
      ['signature', (o: { challenge: string }) => ({ ...a.auth.get(o), response: { ...a.auth.get(o).response, signature: b.auth.get(o).response.signature } })],
    ] as const) {
      const { options } = await signOffOptions(a, guide.id)
      const res = await signOff(a, guide.id, make(options))
      expect(res.status, what).toBe(403)
    }
    expect(await stageOf(guide.id)).toBe('medical_review')
    // Control: the same key, honestly used, still signs this guide.
    const { options } = await signOffOptions(a, guide.id)
    expect((await signOff(a, guide.id, a.auth.get(options))).status).toBe(200)
  })
})

describe('verifying a published sign-off', () => {
  let guideUrl: string
  let slug: string

  beforeAll(async () => {
    const guide = await guideFor(a.profileId)
    slug = guide.slug
    const { options } = await signOffOptions(a, guide.id)
    expect((await signOff(a, guide.id, a.auth.get(options))).status).toBe(200)
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
    guideUrl = `${siteUrl()}/guides/${guide.slug}`
  })

  const verifier = async (url: string) => {
    try {
      const { stdout } = await run(process.execPath, [path.join(root, 'packages/verify-review/verify-review.mjs'), url], { cwd: root })
      return { code: 0, out: stdout }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: `${e.stdout}${e.stderr}` }
    }
  }

  it('the page says "Signature verified", review.json carries the assertion, and the standalone verifier passes', async () => {
    const html = await eventually(
      async () => (await fetch(guideUrl)).text(),
      (h) => h.includes('data-signature="verified"'),
    )
    expect(html).toContain('data-signature="verified"')
    expect(html).toContain('Signature verified')
    const record = await (await fetch(`${guideUrl}/review.json`)).json()
    expect(record.signOff.signature).toMatchObject({ credentialId: a.auth.credentialId, keys: `${siteUrl()}/reviewers/${a.slug}/keys.json`, status: 'Signature verified' })
    expect(record.signOff.signature.canonical).toMatch(/^Runsense sign-off v1\n/)
    expect(record.history.at(-1).signature.signature).toBe(record.signOff.signature.signature)
    const result = await verifier(guideUrl)
    expect(result.out).toContain('VERIFIED')
    expect(result.code, result.out).toBe(0)
  })

  it('the seed guide says it was signed before signatures were introduced, never verified', async () => {
    const html = await (await fetch(`${siteUrl()}/guides/returning-to-running-after-an-injury`)).text()
    expect(html).toContain('Signed before signatures were introduced')
    expect(html).not.toContain('Signature verified')
    const result = await verifier(`${siteUrl()}/guides/returning-to-running-after-an-injury`)
    expect(result.code).toBe(1)
    expect(result.out).toMatch(/carries no signature/)
  })

  it('the verifier fails on tampered canonical content, hash, challenge or signature, each one alone', async () => {
    const record = await (await fetch(`${guideUrl}/review.json`)).json()
    let tampered = record
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(tampered))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const fake = `http://127.0.0.1:${(server.address() as AddressInfo).port}/guides/${slug}`
    try {
      const clone = () => JSON.parse(JSON.stringify(record))
      // Control: the untampered record, served from here, verifies.
      tampered = clone()
      expect((await verifier(fake)).code).toBe(0)

      tampered = clone()
      tampered.canonical = tampered.canonical.replace('Body text written by a test.', 'Body text written by someone else.')
      expect(tampered.canonical).not.toBe(record.canonical)
      const content = await verifier(fake)
      expect(content.code, content.out).toBe(1)
      expect(content.out).toMatch(/sha256\(canonical content\) is/)

      tampered = clone()
      const otherHash = 'f'.repeat(64)
      tampered.hash.value = otherHash
      tampered.signOff.hash = otherHash
      const hash = await verifier(fake)
      expect(hash.code, hash.out).toBe(1)
      expect(hash.out).toMatch(/current sign-off: the signature is for another content hash/)

      // Other content with its own, matching hash: the content check passes, the signature does not cover it.
      tampered = clone()
      tampered.canonical = tampered.canonical.replace('Body text written by a test.', 'Body text written by someone else.')
      const rehashed = createHash('sha256').update(tampered.canonical, 'utf8').digest('hex')
      tampered.hash.value = rehashed
      tampered.signOff.hash = rehashed
      const swapped = await verifier(fake)
      expect(swapped.code, swapped.out).toBe(1)
      expect(swapped.out).toContain(`✓ sha256(canonical content) = ${rehashed}`)
      expect(swapped.out).toMatch(/current sign-off: the signature is for another content hash/)

      tampered = clone()
      tampered.signOff.signature.canonical = tampered.signOff.signature.canonical.replace(/at: .*$/, 'at: 2026-01-01T00:00:00.000Z')
      const challenge = await verifier(fake)
      expect(challenge.code, challenge.out).toBe(1)
      expect(challenge.out).toMatch(/challenge is not/)

      tampered = clone()
      const sig = Buffer.from(tampered.signOff.signature.signature, 'base64url')
      sig[sig.length - 1] ^= 0x01
      tampered.signOff.signature.signature = sig.toString('base64url')
      const signature = await verifier(fake)
      expect(signature.code, signature.out).toBe(1)
      expect(signature.out).toMatch(/does not match the published key/)
    } finally {
      server.close()
    }
  })

  it('a key retired after signing stays published, and the old signature still verifies', async () => {
    expect((await as(a.token, 'PATCH', `/api/reviewer-passkeys/${a.keyId}`, { retiredAt: new Date().toISOString() })).status).toBe(200)
    const keys = await eventually(
      async () => (await (await fetch(`${siteUrl()}/reviewers/${a.slug}/keys.json`)).json()) as { keys: { credentialId: string; retired: string | null }[] },
      (k) => Boolean(k.keys?.[0]?.retired),
    )
    expect(keys.keys).toEqual([expect.objectContaining({ credentialId: a.auth.credentialId, retired: expect.any(String) })])
    const result = await verifier(guideUrl)
    expect(result.code, result.out).toBe(0)
    expect(result.out).toMatch(/retired/)
    const page = await (await fetch(`${siteUrl()}/reviewers/${a.slug}`)).text()
    expect(page).toContain(a.auth.credentialId)
    expect(page).toContain('retired')
    // A retired key no longer signs.
    const guide = await guideFor(a.profileId)
    const options = await as(a.token, 'POST', `/api/articles/${guide.id}/sign-off-options`)
    expect(options.body.passkey).toBe(false)
  })
})
