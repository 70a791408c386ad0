/**
 * Two-factor sign-in (TOTP): enrolment, codes used once, recovery codes, an admin's audited reset,
 * and the workflow refusing sign-off and publishing from a session that has not passed it.
 * The test stack runs with STAFF_2FA off for the seeded demo accounts; each test here turns it on
 * for an account of its own by enrolling it (whoever enrolled needs it, whatever the settings).
 */
import { generate } from 'otplib'
import { describe, expect, it } from 'vitest'
import { cmsUrl, createStaffAccount, guideAt, rest, signIn } from '../helpers/api'

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${cmsUrl()}${path}`, {
    method,
    headers: { authorization: `JWT ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}

/** A code for the authenticator's next 30-second step (still accepted: one step of drift is allowed). */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 })

async function enrolledEditor() {
  const staff = await createStaffAccount('editor')
  const first = await signIn(staff.email, staff.password)
  const started = await call(first.token!, 'POST', '/api/users/second-factor/enrol')
  expect(started.status).toBe(200)
  const secret = started.body.secret as string
  const confirmed = await call(first.token!, 'POST', '/api/users/second-factor/confirm', { code: await generate({ secret }) })
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200)
  return { ...staff, secret, recoveryCodes: confirmed.body.recoveryCodes as string[], firstToken: first.token! }
}

describe('two-factor sign-in', () => {
  it('is enrolled with a code from the new secret and gives ten recovery codes once', async () => {
    const staff = await createStaffAccount('editor')
    const { token } = await signIn(staff.email, staff.password)
    expect((await call(token!, 'GET', '/api/users/second-factor')).body).toEqual({ required: false, enrolled: false, passed: false, passkey: false })
    const started = await call(token!, 'POST', '/api/users/second-factor/enrol')
    expect(started.body.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/)
    expect((await call(token!, 'POST', '/api/users/second-factor/confirm', { code: '000000' })).status).toBe(400)
    const confirmed = await call(token!, 'POST', '/api/users/second-factor/confirm', { code: await generate({ secret: started.body.secret }) })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.recoveryCodes).toHaveLength(10)
    expect((await call(token!, 'GET', '/api/users/second-factor')).body).toEqual({ required: true, enrolled: true, passed: true, passkey: false })
    expect((await call(token!, 'POST', '/api/users/second-factor/enrol')).status).toBe(409)
    // The secret never leaves the server again.
    expect(JSON.stringify((await rest('GET', `/api/users/${staff.id}`, { as: 'admin' })).body)).not.toContain(started.body.secret)
  })

  it('refuses publishing from a new session until it passes the second factor', async () => {
    const staff = await enrolledEditor()
    const guide = await guideAt('approved')
    const { token } = await signIn(staff.email, staff.password)
    expect((await call(token!, 'GET', '/api/users/second-factor')).body).toMatchObject({ required: true, passed: false })
    const refused = await call(token!, 'POST', `/api/articles/${guide.id}/workflow`, { action: 'publish' })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatch(/second factor/i)
    expect((await call(token!, 'POST', '/api/users/second-factor/verify', { code: '123456' })).status).toBe(400)
    expect((await call(token!, 'POST', '/api/users/second-factor/verify', { code: await nextCode(staff.secret) })).status).toBe(200)
    const published = await call(token!, 'POST', `/api/articles/${guide.id}/workflow`, { action: 'publish' })
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    expect(published.body.stage).toBe('published')
  })

  it('takes each code and each recovery code once', async () => {
    const staff = await enrolledEditor()
    const code = await nextCode(staff.secret)
    const [a, b] = await Promise.all([signIn(staff.email, staff.password), signIn(staff.email, staff.password)])
    const results = await Promise.all([a, b].map((s) => call(s.token!, 'POST', '/api/users/second-factor/verify', { code })))
    expect(results.map((r) => r.status).sort()).toEqual([200, 400])
    const c = await signIn(staff.email, staff.password)
    expect((await call(c.token!, 'POST', '/api/users/second-factor/verify', { recoveryCode: staff.recoveryCodes[0] })).status).toBe(200)
    const d = await signIn(staff.email, staff.password)
    expect((await call(d.token!, 'POST', '/api/users/second-factor/verify', { recoveryCode: staff.recoveryCodes[0] })).status).toBe(400)
    expect((await call(d.token!, 'POST', '/api/users/second-factor/verify', { recoveryCode: staff.recoveryCodes[1] })).status).toBe(200)
  })

  it('stops guessing after five wrong codes', async () => {
    const staff = await enrolledEditor()
    const { token } = await signIn(staff.email, staff.password)
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await call(token!, 'POST', '/api/users/second-factor/verify', { code: String(100000 + i) })).status)
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429])
  })

  it('can be reset by an admin only, and the reset is in the audit log', async () => {
    const staff = await enrolledEditor()
    expect((await rest('POST', `/api/users/${staff.id}/second-factor/reset`, { as: 'editor' })).status).toBe(403)
    expect((await call(staff.firstToken, 'POST', `/api/users/${staff.id}/second-factor/reset`)).status).toBe(403)
    const reset = await rest('POST', `/api/users/${staff.id}/second-factor/reset`, { as: 'admin' })
    expect(reset.status).toBe(200)
    expect(reset.body.reset).toBe(true)
    const audit = await rest('GET', `/api/audit-log?where[entity][equals]=users&where[entityId][equals]=${staff.id}`, { as: 'admin' })
    expect(audit.body.docs.map((d: { summary: string }) => d.summary)).toContain(`Second factor reset for ${staff.email}`)
    const { token } = await signIn(staff.email, staff.password)
    // STAFF_2FA is off in this stack: with the factor gone, this editor no longer needs one.
    expect((await call(token!, 'GET', '/api/users/second-factor')).body).toEqual({ required: false, enrolled: false, passed: false, passkey: false })
  })
})
