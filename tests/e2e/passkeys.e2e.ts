/**
 * A signed sign-off end to end, in real Chromium with its virtual authenticator (CDP
 * WebAuthn.addVirtualAuthenticator: a real WebAuthn stack with a software key, user verification
 * on): a reviewer adds a passkey on their account page, signs off a guide in the admin, an editor
 * publishes, the page says "Signature verified", and the standalone verifier passes on the live URL.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { type Page, expect, test } from '@playwright/test'
import { act, cmsUrl, createGuide, createStaffAccount, rest, siteUrl } from '../helpers/api'
import { adminLogin, adminLoginWith, openGuide } from '../helpers/admin'

const run = promisify(execFile)
const panelButton = (page: Page, name: string) => page.getByTestId('workflow-panel').getByRole('button', { name, exact: true })

test('a reviewer registers a passkey, signs off with it, and anyone can verify the published sign-off', async ({ page }) => {
  const n = Date.now().toString(36)
  const profile = await rest('POST', '/api/reviewers', {
    as: 'admin',
    body: { name: `Passkey Reviewer ${n}`, role: 'Sports physician', credentials: 'MD', verification: { verifiedAt: new Date().toISOString() } },
  })
  expect(profile.status).toBe(201)
  const account = await createStaffAccount('reviewer')
  expect((await rest('PATCH', `/api/users/${account.id}`, { as: 'admin', body: { reviewer: profile.body.doc.id } })).status).toBe(200)

  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  })

  // The reviewer adds a passkey on their account page.
  await adminLoginWith(page, account.email, account.password)
  await page.goto(`${cmsUrl()}/admin/collections/users/${account.id}`)
  const keys = page.getByTestId('passkeys')
  await expect(keys.getByTestId('passkeys-none')).toHaveText('You have no passkey yet.')
  await keys.getByTestId('passkey-name').fill('laptop')
  await keys.getByRole('button', { name: 'Add a passkey' }).click()
  await expect(keys.getByRole('status')).toContainText('Passkey "laptop" added')
  await expect(keys.getByTestId('passkey')).toContainText('laptop')
  await page.screenshot({ path: 'test-results/screens/passkeys-account.png', fullPage: true })
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
  expect(credentials).toHaveLength(1)

  const guide = await createGuide('editor', { title: `Signed guide ${n}` })
  expect((await act(guide.id, 'editor', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: profile.body.doc.id })).status).toBe(200)

  // The reviewer signs off in the admin: the confirmation, then the authenticator signs.
  await openGuide(page, guide.id)
  page.once('dialog', (d) => void d.accept())
  await panelButton(page, 'Sign off').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Approved (signed off)')
  const signed = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]
  expect(signed.signCount).toBeGreaterThan(0)

  // Signing without the passkey is refused for this reviewer (a stolen session cannot sign).
  const other = await createGuide('editor', { title: `Unsigned attempt ${n}` })
  expect((await act(other.id, 'editor', 'submit')).status).toBe(200)
  expect((await act(other.id, 'editor2', 'send_to_medical_review', { reviewer: profile.body.doc.id })).status).toBe(200)
  const bare = await page.evaluate(async (id) => {
    const res = await fetch(`/api/articles/${id}/workflow`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'sign_off' }),
    })
    return { status: res.status, body: await res.json() }
  }, other.id)
  expect(bare.status).toBe(403)
  expect(bare.body.error).toMatch(/passkey/)

  // The editor publishes.
  await adminLogin(page, 'editor')
  await openGuide(page, guide.id)
  await panelButton(page, 'Publish').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')

  await page.goto(`${siteUrl()}/guides/${guide.slug}`)
  const signature = page.locator('.review-line .signature')
  await expect(signature).toHaveText('Signature verified')
  await expect(signature).toHaveAttribute('href', `/guides/${guide.slug}/review.json`)
  await page.screenshot({ path: 'test-results/screens/passkeys-guide.png' })

  // The reviewer's page lists the key; keys.json publishes it as a JWK.
  await page.goto(`${siteUrl()}/reviewers/${profile.body.doc.slug}`)
  await expect(page.locator('ul.keys li')).toContainText('ES256')
  const published = await (await fetch(`${siteUrl()}/reviewers/${profile.body.doc.slug}/keys.json`)).json()
  expect(published.keys).toEqual([expect.objectContaining({ alg: -7, jwk: expect.objectContaining({ kty: 'EC', crv: 'P-256' }), retired: null })])
  // The key's name ('laptop') is the reviewer's own label: staff-only, in no public file.
  expect(JSON.stringify(published)).not.toContain('laptop')

  const root = path.resolve(__dirname, '../..')
  const { stdout } = await run(process.execPath, [path.join(root, 'packages/verify-review/verify-review.mjs'), `${siteUrl()}/guides/${guide.slug}`], { cwd: root })
  expect(stdout).toContain('VERIFIED')
  expect(stdout).not.toContain('NOT VERIFIED')
})
