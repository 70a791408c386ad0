import { afterEach, describe, expect, it } from 'vitest'
import { secondFactorRequiredByRole } from './secondFactor'

const saved = { STAFF_2FA: process.env.STAFF_2FA, STAFF_2FA_EDITORS: process.env.STAFF_2FA_EDITORS }
afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
})

const required = (env: { STAFF_2FA?: string; STAFF_2FA_EDITORS?: string }) => {
  delete process.env.STAFF_2FA
  delete process.env.STAFF_2FA_EDITORS
  Object.assign(process.env, env)
  return Object.fromEntries(['admin', 'reviewer', 'editor', null].map((r) => [String(r), secondFactorRequiredByRole(r)]))
}

describe('who must use a second factor', () => {
  it('unset (production): every staff role', () => {
    expect(required({})).toEqual({ admin: true, reviewer: true, editor: true, null: false })
  })
  it('STAFF_2FA_EDITORS=off: admins and reviewers only', () => {
    expect(required({ STAFF_2FA_EDITORS: 'off' })).toEqual({ admin: true, reviewer: true, editor: false, null: false })
  })
  it('STAFF_2FA=off (the demo logins under npm start): nobody, unless they enrolled', () => {
    expect(required({ STAFF_2FA: 'off' })).toEqual({ admin: false, reviewer: false, editor: false, null: false })
  })
})
