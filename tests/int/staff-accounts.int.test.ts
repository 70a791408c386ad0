/**
 * Staff accounts a sign-off can trust: sessions, password changes, sign-in throttling,
 * account enumeration, the sign-in record. Each test uses accounts of its own (made by the
 * seeded admin) so no other test file's logins are disturbed.
 */
import { describe, expect, it } from 'vitest'
import { cmsUrl, createStaffAccount, graphql, rest, signIn, whoIs } from '../helpers/api'
import { waitForMail } from '../helpers/mail'

describe('sessions', () => {
  it('six simultaneous sign-ins of one account all stay signed in', async () => {
    const staff = await createStaffAccount('editor')
    // Several rounds: a race that loses sessions does not lose them every time.
    for (let round = 0; round < 3; round++) {
      const logins = await Promise.all(Array.from({ length: 6 }, () => signIn(staff.email, staff.password)))
      expect(logins.map((l) => l.status)).toEqual([200, 200, 200, 200, 200, 200])
      const tokens = logins.map((l) => l.token as string)
      expect(new Set(tokens).size).toBe(6)
      const users = await Promise.all(tokens.map(whoIs))
      expect(
        users.map((u) => u?.id ?? null),
        `round ${round}`,
      ).toEqual(Array(6).fill(staff.id))
    }
  })

  it('a changed password ends the person’s other sessions and keeps the one that changed it', async () => {
    const staff = await createStaffAccount('editor')
    const [here, elsewhere] = await Promise.all([signIn(staff.email, staff.password), signIn(staff.email, staff.password)])
    expect(await whoIs(elsewhere.token!)).not.toBeNull()
    const res = await fetch(`${cmsUrl()}/api/users/${staff.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `JWT ${here.token}` },
      body: JSON.stringify({ password: 'a-new-password-2026' }),
    })
    expect(res.status).toBe(200)
    expect(await whoIs(elsewhere.token!)).toBeNull()
    expect((await whoIs(here.token!))?.id).toBe(staff.id)
    expect((await signIn(staff.email, staff.password)).status).toBe(401)
    expect((await signIn(staff.email, 'a-new-password-2026')).status).toBe(200)
  })

  it('a sign-in that checked the old password while it changed leaves no session behind', async () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
    for (let round = 0; round < 3; round++) {
      const staff = await createStaffAccount('editor')
      const newPassword = `changed-${round}-2026`
      // Sign-ins with the old password started all through the change (hashing takes ~0.1 s each).
      const change = rest('PATCH', `/api/users/${staff.id}`, { as: 'admin', body: { password: newPassword } })
      const logins = await Promise.all(Array.from({ length: 8 }, (_, i) => wait(i * 25).then(() => signIn(staff.email, staff.password))))
      expect((await change).status).toBe(200)
      const alive = await Promise.all(logins.filter((l) => l.token).map((l) => whoIs(l.token!)))
      expect(alive.filter(Boolean), `round ${round}: sessions from the old password still signed in`).toEqual([])
    }
  })

  it('a password an admin sets ends every session of that person', async () => {
    const staff = await createStaffAccount('reviewer')
    const sessions = await Promise.all([signIn(staff.email, staff.password), signIn(staff.email, staff.password)])
    const res = await rest('PATCH', `/api/users/${staff.id}`, { as: 'admin', body: { password: 'set-by-admin-2026' } })
    expect(res.status).toBe(200)
    for (const s of sessions) expect(await whoIs(s.token!)).toBeNull()
  })
})

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
let clientSeq = 0
/** A made-up client address per call (TEST-NET-3), sent as X-Forwarded-For. */
const newClient = () => `203.0.113.${++clientSeq % 250}`
const unknownEmail = () => `nobody-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}@runsense.local`

async function timed(fn: () => Promise<unknown>) {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

/** Same time within 40 ms or 40 % of the slower, whichever is more (the machine is shared and loaded). */
function expectSameTime(a: number[], b: number[]) {
  const [ma, mb] = [median(a), median(b)]
  console.info(`median ${ma.toFixed(1)} ms (account) vs ${mb.toFixed(1)} ms (no account)`)
  expect(Math.abs(ma - mb), `medians ${ma.toFixed(1)} ms vs ${mb.toFixed(1)} ms`).toBeLessThan(Math.max(40, 0.4 * Math.max(ma, mb)))
}

describe('a password reset by email', () => {
  it('ends every session the person had', async () => {
    const staff = await createStaffAccount('editor')
    const sessions = await Promise.all([signIn(staff.email, staff.password), signIn(staff.email, staff.password)])
    const asked = await fetch(`${cmsUrl()}/api/users/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.80' },
      body: JSON.stringify({ email: staff.email }),
    })
    expect(asked.status).toBe(200)
    const [mail] = await waitForMail(staff.email)
    const token = /\/admin\/reset\/([0-9a-f]+)/.exec(mail.text)![1]
    const reset = await fetch(`${cmsUrl()}/api/users/reset-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'reset-by-email-2026' }),
    })
    expect(reset.status).toBe(200)
    for (const s of sessions) expect(await whoIs(s.token!)).toBeNull()
    expect((await signIn(staff.email, 'reset-by-email-2026')).status).toBe(200)
  })
})

describe('sign-in throttling', () => {
  it('a stranger’s wrong passwords do not lock the owner out, but the stranger is stopped', async () => {
    const staff = await createStaffAccount('editor')
    const stranger = '198.51.100.66'
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) statuses.push((await signIn(staff.email, `wrong-${i}`, { client: stranger })).status)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses.slice(10)).toEqual(Array(20).fill(429))
    // Even the right password is refused to that client now…
    const fromStranger = await signIn(staff.email, staff.password, { client: stranger })
    expect(fromStranger.status).toBe(429)
    expect(fromStranger.body?.errors?.[0]?.message).toMatch(/too many failed sign-ins/i)
    expect(Number(fromStranger.headers.get('retry-after'))).toBeGreaterThan(0)
    // …while the owner, elsewhere, signs in at once.
    const owner = await signIn(staff.email, staff.password, { client: '198.51.100.10' })
    expect(owner.status).toBe(200)
    expect((await whoIs(owner.token!))?.id).toBe(staff.id)
  })

  it('answers an unknown address exactly as an account: 401, then 429 after as many tries', async () => {
    const client = '198.51.100.67'
    const email = unknownEmail()
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await signIn(email, `wrong-${i}`, { client })).status)
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429])
  })

  it('stops one client trying many accounts', async () => {
    const client = '198.51.100.68'
    let last = 0
    for (let i = 0; i < 51; i++) last = (await signIn(unknownEmail(), 'wrong', { client })).status
    expect(last).toBe(429)
  })

  it('offers no way around the throttling through GraphQL', async () => {
    const staff = await createStaffAccount('editor')
    const login = await graphql(`mutation { loginUser(email: "${staff.email}", password: "${staff.password}") { token } }`)
    expect(login.body.data?.loginUser ?? null).toBeNull()
    expect(login.body.errors?.[0]?.message).toMatch(/not allowed/i)
    const forgot = await graphql(`mutation { forgotPasswordUser(email: "${staff.email}") }`)
    expect(forgot.body.data?.forgotPasswordUser ?? null).toBeNull()
    expect(forgot.body.errors?.[0]?.message).toMatch(/not allowed/i)
  })

  it('takes as long for an unknown address as for an account with a wrong password (median of 11)', async () => {
    const staff = await createStaffAccount('editor')
    const known: number[] = []
    const unknown: number[] = []
    await signIn(unknownEmail(), 'warm-up', { client: newClient() })
    for (let i = 0; i < 11; i++) {
      known.push(await timed(() => signIn(staff.email, `wrong-${i}`, { client: newClient() })))
      unknown.push(await timed(() => signIn(unknownEmail(), `wrong-${i}`, { client: newClient() })))
    }
    expectSameTime(known, unknown)
  })
})

describe('password reset requests', () => {
  const forgot = (email: string, client: string) =>
    fetch(`${cmsUrl()}/api/users/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ email }),
    })

  it('still send the reset email to an account', async () => {
    const staff = await createStaffAccount('editor')
    expect((await forgot(staff.email, newClient())).status).toBe(200)
    const [mail] = await waitForMail(staff.email)
    expect(mail.text).toMatch(/\/admin\/reset\/[0-9a-f]{20,}/)
  })

  it('take as long for an unknown address as for an account (median of 9)', async () => {
    const known: number[] = []
    const unknown: number[] = []
    const staff = await Promise.all(Array.from({ length: 9 }, () => createStaffAccount('editor')))
    for (const s of staff) {
      known.push(await timed(() => forgot(s.email, newClient())))
      unknown.push(await timed(() => forgot(unknownEmail(), newClient())))
    }
    expectSameTime(known, unknown)
  })

  it('are limited per address and per client, the same for unknown addresses', async () => {
    const staff = await createStaffAccount('editor')
    const perAddress = []
    for (let i = 0; i < 4; i++) perAddress.push((await forgot(staff.email, newClient())).status)
    expect(perAddress).toEqual([200, 200, 200, 429])
    const unknown = unknownEmail()
    const perUnknown = []
    for (let i = 0; i < 4; i++) perUnknown.push((await forgot(unknown, newClient())).status)
    expect(perUnknown).toEqual([200, 200, 200, 429])
    const client = '198.51.100.69'
    const perClient = []
    for (let i = 0; i < 11; i++) perClient.push((await forgot(unknownEmail(), client)).status)
    expect(perClient).toEqual([...Array(10).fill(200), 429])
  })
})

describe('the sign-in record', () => {
  it('records sign-ins and failed attempts with a hashed client address, for admins only', async () => {
    const staff = await createStaffAccount('reviewer')
    const client = '198.51.100.70'
    expect((await signIn(staff.email, 'wrong', { client })).status).toBe(401)
    expect((await signIn(staff.email, staff.password, { client })).status).toBe(200)
    const res = await rest('GET', `/api/staff-sign-ins?where[email][equals]=${encodeURIComponent(staff.email)}&sort=createdAt&depth=0`, { as: 'admin' })
    expect(res.status).toBe(200)
    const entries = res.body.docs as { user: number; outcome: string; clientHash: string; createdAt: string }[]
    expect(entries.map((e) => [e.user, e.outcome])).toEqual([
      [staff.id, 'failed'],
      [staff.id, 'signed_in'],
    ])
    expect(entries[0].clientHash).toMatch(/^[0-9a-f]{32}$/)
    expect(entries[0].clientHash).toBe(entries[1].clientHash)
    expect(JSON.stringify(res.body)).not.toContain(client)
    expect(Date.now() - Date.parse(entries[1].createdAt)).toBeLessThan(60_000)
  })

  it('is refused to everyone else, and nobody can write, change or delete an entry', async () => {
    for (const who of ['anonymous', 'editor', 'reviewer'] as const) expect((await rest('GET', '/api/staff-sign-ins', { as: who })).status).toBe(403)
    const { body } = await rest('GET', '/api/staff-sign-ins?limit=1', { as: 'admin' })
    const id = body.docs[0].id
    expect((await rest('POST', '/api/staff-sign-ins', { as: 'admin', body: { email: 'x@runsense.local', outcome: 'signed_in', clientHash: 'x' } })).status).toBe(403)
    expect((await rest('PATCH', `/api/staff-sign-ins/${id}`, { as: 'admin', body: { outcome: 'failed' } })).status).toBe(403)
    expect((await rest('DELETE', `/api/staff-sign-ins/${id}`, { as: 'admin' })).status).toBe(403)
    expect((await rest('GET', `/api/staff-sign-ins/${id}`, { as: 'admin' })).body.outcome).toBe(body.docs[0].outcome)
  })
})
