/**
 * The settings around signed sign-offs, through the CMS's own code in this process (Local API on
 * the test database), because the running CMS's environment cannot be changed mid-run:
 * REQUIRE_PASSKEY_SIGNOFF=true refuses any sign_off without an assertion through
 * applyWorkflowAction (the one write path), and a reviewer's passkey is their second factor for
 * sign-off where two-factor sign-in is required.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Payload, createLocalReq } from 'payload'
import type { User } from '@runsense/types'
import { act, createGuide, createStaffAccount, rest } from '../helpers/api'
import { localPayload } from '../helpers/payload'

let payload: Payload
const saved = { ...process.env }

beforeAll(async () => {
  payload = await localPayload()
})
afterAll(async () => payload?.destroy())
afterEach(() => {
  for (const k of ['REQUIRE_PASSKEY_SIGNOFF', 'STAFF_2FA']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
})

const userByEmail = async (email: string) => (await payload.find({ collection: 'users', where: { email: { equals: email } }, limit: 1, depth: 0 })).docs[0] as User

async function guideForDemoReviewer() {
  const demo = (await rest('GET', '/api/reviewers?where[slug][equals]=demo-reviewer&depth=0')).body.docs[0].id
  const guide = await createGuide('editor')
  expect((await act(guide.id, 'editor', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: demo })).status).toBe(200)
  return guide
}

describe('REQUIRE_PASSKEY_SIGNOFF', () => {
  it('on: a sign_off without an assertion is refused (403, a sentence) even for a reviewer without a passkey; off: it goes through', async () => {
    const { applyWorkflowAction } = await import('../../apps/cms/src/collections/Articles/workflow')
    const reviewer = await userByEmail('reviewer2@runsense.local')
    const guide = await guideForDemoReviewer()
    process.env.REQUIRE_PASSKEY_SIGNOFF = 'true'
    const refused = await applyWorkflowAction(await createLocalReq({ user: { ...reviewer, collection: 'users' } as never }, payload), guide.id, reviewer, 'sign_off', {})
    expect(refused).toEqual({ ok: false, status: 403, error: expect.stringMatching(/must be signed with a passkey/), stage: 'medical_review' })
    const doc = await payload.findByID({ collection: 'articles', id: guide.id, draft: true, depth: 0 })
    expect(doc.stage).toBe('medical_review')
    expect(doc.signOff?.hash ?? null).toBeNull()

    process.env.REQUIRE_PASSKEY_SIGNOFF = 'false'
    const allowed = await applyWorkflowAction(await createLocalReq({ user: { ...reviewer, collection: 'users' } as never }, payload), guide.id, reviewer, 'sign_off', {})
    expect(allowed).toMatchObject({ ok: true, stage: 'approved' })
  })
})

describe("a passkey is a reviewer's second factor at sign-off", () => {
  it('with two-factor sign-in required, a reviewer with a passkey may sign off (with it) without a code; one without is asked for the code', async () => {
    const { secondFactorRefusal } = await import('../../apps/cms/src/access/secondFactor')
    process.env.STAFF_2FA = 'on'
    const withKey = await createStaffAccount('reviewer')
    const without = await createStaffAccount('reviewer')
    await payload.create({
      collection: 'reviewer-passkeys',
      data: {
        name: 'laptop',
        credentialId: `settings-${Date.now().toString(36)}`,
        publicKey: 'pQECAyYgASFYIA',
        jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
        algorithm: -7,
        user: withKey.id,
        addedAt: new Date().toISOString(),
      },
    })
    const reqFor = async (id: number) => createLocalReq({ user: { ...(await payload.findByID({ collection: 'users', id, depth: 0 })), collection: 'users' } as never }, payload)
    expect(await secondFactorRefusal(await reqFor(withKey.id), 'sign_off')).toBeNull()
    expect(await secondFactorRefusal(await reqFor(without.id), 'sign_off')).toMatch(/two-factor sign-in/)
    // The passkey stands in only for signing off (what it signs), not for anything else.
    expect(await secondFactorRefusal(await reqFor(withKey.id), 'publish')).toMatch(/two-factor sign-in/)
  })
})
