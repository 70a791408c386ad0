import { type Page, expect } from '@playwright/test'
import { accounts, cmsUrl, seedPassword } from './api'

/** Logs into the Payload admin in the browser as a seeded account. */
export async function adminLogin(page: Page, who: keyof typeof accounts) {
  await adminLoginWith(page, accounts[who], seedPassword())
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
