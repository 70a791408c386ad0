import { type Page, expect, test } from '@playwright/test'
import { accounts, cmsUrl } from '../helpers/api'
import { adminLogin } from '../helpers/admin'
import { mailTo, waitForMail } from '../helpers/mail'
import { confirmedReader } from '../helpers/newsletter'

const panel = (page: Page) => page.getByTestId('newsletter-panel')

test('an editor composes, previews, tests and sends an issue for the seed guide in the admin', async ({ page }) => {
  const readers = [await confirmedReader('e2e-issue'), await confirmedReader('e2e-issue')]
  const subject = `This week: coming back well ${Date.now().toString(36)}`

  await adminLogin(page, 'editor')
  await page.goto(`${cmsUrl()}/admin/collections/newsletter-issues/create`)
  await page.locator('#field-subject').fill(subject)
  await page.locator('#field-intro').fill('Hello runners.\n\nOne guide this week.')
  await page.locator('#field-featuredGuide').click()
  await page.keyboard.type('Returning to Running')
  await page.getByRole('option', { name: /Returning to Running After an Injury/ }).click()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.waitForURL(/\/newsletter-issues\/\d+$/)

  // Preview as a subscriber gets it, HTML and text.
  await panel(page).getByRole('button', { name: 'Preview HTML' }).click()
  await expect(page.frameLocator('[data-testid="newsletter-preview"]').getByRole('heading', { level: 1 })).toHaveText('Returning to Running After an Injury')
  await panel(page).getByRole('button', { name: 'Preview text' }).click()
  await expect(page.getByTestId('newsletter-preview-text')).toContainText('Reviewed by Raphael Crawford-Marks, Founder')

  await panel(page).getByRole('button', { name: 'Send a test to me' }).click()
  await expect(page.getByTestId('newsletter-message')).toContainText(`A test is on its way to ${accounts.editor}`)
  await waitForMail(accounts.editor, (m) => m.subject === `[Test] ${subject}`)
  for (const r of readers) expect((await mailTo(r)).filter((m) => m.subject.includes(subject))).toEqual([])

  // Send now asks first, naming how many will get it.
  const status = await panel(page).getByTestId('newsletter-status').textContent()
  const count = Number(/(\d+) confirmed subscribers would get it now/.exec(status ?? '')?.[1])
  expect(count).toBeGreaterThanOrEqual(readers.length)
  page.once('dialog', (d) => {
    expect(d.message()).toBe(`Send this issue now to ${count} confirmed subscribers? This cannot be undone.`)
    void d.accept()
  })
  await panel(page).getByRole('button', { name: 'Send now' }).click()
  await expect(page.getByTestId('newsletter-message')).toContainText(`Sending to ${count} subscribers.`)
  await expect(panel(page).getByTestId('newsletter-status')).toContainText('sent', { timeout: 30_000 })
  await expect(page.getByTestId('newsletter-progress')).toContainText(`100% · recipients ${count} · sent ${count}`)
  for (const r of readers) await waitForMail(r, (m) => m.subject === subject)
})
