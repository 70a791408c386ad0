/**
 * The staff session cookie is Secure whenever the CMS is served over https (CMS_URL), so it
 * never travels over plain http in production; SameSite=Lax keeps it off cross-site posts.
 * (Over http, as in local runs and the test stack, it cannot be Secure or browsers drop it.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest'

const cookiesWith = async (cmsUrl: string | undefined) => {
  vi.resetModules()
  if (cmsUrl === undefined) delete process.env.CMS_URL
  else process.env.CMS_URL = cmsUrl
  const { Users } = await import('../../apps/cms/src/collections/Users')
  return typeof Users.auth === 'object' ? Users.auth.cookies : undefined
}

describe('the staff session cookie', () => {
  const saved = process.env.CMS_URL
  afterEach(() => {
    if (saved === undefined) delete process.env.CMS_URL
    else process.env.CMS_URL = saved
  })

  it('is Secure under https', async () => {
    expect(await cookiesWith('https://cms.example.org')).toMatchObject({ secure: true, sameSite: 'Lax' })
  })

  it('is not marked Secure over plain http (local runs)', async () => {
    expect((await cookiesWith('http://localhost:3001'))?.secure).toBe(false)
    expect((await cookiesWith(undefined))?.secure).toBe(false)
  })
})
