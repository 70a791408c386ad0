/**
 * Two-factor sign-in in the admin, in Chromium: set up an authenticator at /admin/second-factor
 * (codes computed here with otplib, as an authenticator app would), then a new sign-in is sent
 * to the code form before anything else and gets in with a code.
 */
import { expect, test } from '@playwright/test'
import { generate } from 'otplib'
import { adminLogin, adminLoginWith } from '../helpers/admin'
import { cmsUrl, createStaffAccount, rest, signIn } from '../helpers/api'

test('a person sets up two-factor sign-in, then signs in with a code', async ({ page }) => {
  const staff = await createStaffAccount('reviewer')
  await adminLoginWith(page, staff.email, staff.password)

  await page.goto(`${cmsUrl()}/admin/second-factor`)
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
  const secret = (await page.getByTestId('second-factor-secret').textContent())!.trim()
  await page.fill('#second-factor-code', await generate({ secret }))
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10)

  // A new sign-in: the admin sends the session to the code form first.
  await adminLoginWith(page, staff.email, staff.password)
  await page.waitForURL((url) => url.pathname.endsWith('/admin/second-factor'))
  await expect(page.getByText('Enter the 6-digit code from your authenticator app.')).toBeVisible()
  await page.fill('#second-factor-code', '000000')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByTestId('second-factor-error')).toContainText('not valid')
  // The code for the next 30-second step: the one used at setup cannot be used again.
  await page.fill('#second-factor-code', await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }))
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/')
  const status = await page.evaluate(async () => (await fetch('/api/users/second-factor', { credentials: 'include' })).json())
  expect(status).toEqual({ required: true, enrolled: true, passed: true, passkey: false })
  // And it stays there: the gate lets a session that passed through.
  await page.goto(`${cmsUrl()}/admin/collections/articles`)
  await expect(page).toHaveURL(/\/admin\/collections\/articles/)
})

test("an admin resets a person's second factor from their account page", async ({ page }) => {
  const staff = await createStaffAccount('editor')
  const { token } = await signIn(staff.email, staff.password)
  const auth = { authorization: `JWT ${token}`, 'content-type': 'application/json' }
  const { secret } = await (await fetch(`${cmsUrl()}/api/users/second-factor/enrol`, { method: 'POST', headers: auth })).json()
  const confirmed = await fetch(`${cmsUrl()}/api/users/second-factor/confirm`, { method: 'POST', headers: auth, body: JSON.stringify({ code: await generate({ secret }) }) })
  expect(confirmed.status).toBe(200)

  await adminLogin(page, 'admin')
  await page.goto(`${cmsUrl()}/admin/collections/users/${staff.id}`)
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByRole('button', { name: 'Reset second factor' }).click()
  await expect(page.getByTestId('second-factor-reset').getByRole('status')).toContainText('Second factor reset')
  const status = await (await fetch(`${cmsUrl()}/api/users/second-factor`, { headers: auth })).json()
  expect(status.enrolled).toBe(false)
  const audit = await rest('GET', `/api/audit-log?where[entity][equals]=users&where[entityId][equals]=${staff.id}`, { as: 'admin' })
  expect(audit.body.docs.map((d: { summary: string }) => d.summary)).toContain(`Second factor reset for ${staff.email}`)
})

test('the reset button is not there for anyone but admins', async ({ page }) => {
  const staff = await createStaffAccount('editor')
  await adminLoginWith(page, staff.email, staff.password)
  await page.goto(`${cmsUrl()}/admin/collections/users/${staff.id}`)
  await expect(page.locator('#field-name')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Reset second factor' })).toHaveCount(0)
})
