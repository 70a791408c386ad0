import { type Page, expect } from '@playwright/test'
import { accounts, cmsUrl, seedPassword } from './api'

/**
 * Signs the browser in as a seeded account, over the API: the same session cookie the login form
 * sets, in the page's own cookie jar, without loading the login page and the dashboard first (most
 * tests are about what comes after, and log in several times). The form itself is driven by
 * adminLoginWith (second-factor and passkey tests).
 */
export async function adminLogin(page: Page, who: keyof typeof accounts) {
  await page.context().clearCookies()
  const res = await page.request.post(`${cmsUrl()}/api/users/login`, { data: { email: accounts[who], password: seedPassword() } })
  expect(res.status(), `log in as ${who}`).toBe(200)
}

/** Logs into the Payload admin in the browser with an email and password (a fresh session). */
export async function adminLoginWith(page: Page, email: string, password: string) {
  await page.context().clearCookies()
  await page.goto(`${cmsUrl()}/admin/login`)
  await page.fill('#field-email', email)
  await page.fill('#field-password', password)
  await page.click('button[type=submit]')
  await page.waitForURL((url) => !url.pathname.endsWith('/login'))
}

export async function openGuide(page: Page, id: number) {
  await page.goto(`${cmsUrl()}/admin/collections/articles/${id}`)
  await expect(page.getByTestId('workflow-panel')).toBeVisible()
}
