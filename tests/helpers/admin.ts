import { type Page, expect } from '@playwright/test'
import { accounts, cmsUrl, seedPassword } from './api'

/** Logs into the Payload admin in the browser as a seeded account. */
export async function adminLogin(page: Page, who: keyof typeof accounts) {
  await page.context().clearCookies()
  await page.goto(`${cmsUrl()}/admin/login`)
  await page.fill('#field-email', accounts[who])
  await page.fill('#field-password', seedPassword())
  await page.click('button[type=submit]')
  await page.waitForURL((url) => !url.pathname.endsWith('/login'))
}

export async function openGuide(page: Page, id: number) {
  await page.goto(`${cmsUrl()}/admin/collections/articles/${id}`)
  await expect(page.getByTestId('workflow-panel')).toBeVisible()
}

