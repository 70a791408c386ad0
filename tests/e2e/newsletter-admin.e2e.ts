import AxeBuilder from '@axe-core/playwright'
import { type Page, expect, test } from '@playwright/test'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import { accounts, cmsUrl, rest, siteUrl } from '../helpers/api'
import { adminLogin } from '../helpers/admin'
import { mailTo, waitForMail } from '../helpers/mail'
import { confirmedReader } from '../helpers/newsletter'

const panel = (page: Page) => page.getByTestId('newsletter-panel')
/** Staff times read in UTC, labelled, whatever the browser's zone ("Dec 8, 2026, 6:30 PM UTC"). */
const staffTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC'

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

  // An edit not saved yet is not what would go out: the panel waits for the save.
  await page.locator('#field-intro').fill('Hello runners.\n\nOne guide this week, and a second thought.')
  await expect(panel(page).getByTestId('newsletter-unsaved')).toBeVisible()
  for (const name of ['Preview HTML', 'Send a test to me', 'Send now']) await expect(panel(page).getByRole('button', { name })).toBeDisabled()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(panel(page).getByTestId('newsletter-unsaved')).toHaveCount(0)
  await expect(panel(page).getByRole('button', { name: 'Send now' })).toBeEnabled()

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
  await expect(panel(page).getByTestId('newsletter-status')).toContainText('Status: Sent', { timeout: 30_000 })
  await expect(page.getByTestId('newsletter-progress')).toContainText(`100% · recipients ${count} · sent ${count}`)
  for (const r of readers) await waitForMail(r, (m) => m.subject === subject)

  // The web version: listed on /newsletter, what subscribers got, the editors' note marked as not
  // medically reviewed, accessible in light and dark, and in the sitemap.
  await page.goto(`${siteUrl()}/newsletter`)
  await expect(page.getByText(EXEMPT_NOTICES.pastIssues)).toBeVisible()
  await page.getByRole('link', { name: subject }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject)
  await expect(page.getByText(EXEMPT_NOTICES.editorsNote)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Returning to Running After an Injury' })).toBeVisible()
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await page.reload()
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      colorScheme,
    ).toEqual([])
  }
  const issuePath = new URL(page.url()).pathname
  const sitemap = await (await fetch(`${siteUrl()}/sitemap.xml`)).text()
  expect(sitemap).toContain(issuePath)
})

test('the desk lists a scheduled issue with its time, and drops it when cancelled', async ({ page }) => {
  const guides = await rest('GET', '/api/articles?where[slug][equals]=returning-to-running-after-an-injury&depth=0', { as: 'editor' })
  const subject = `Scheduled on the desk ${Date.now().toString(36)}`
  const created = await rest('POST', '/api/newsletter-issues', { as: 'editor', body: { subject, featuredGuide: guides.body.docs[0].id } })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const id = created.body.doc.id
  const at = new Date(Date.now() + 7 * 24 * 3600_000)
  at.setUTCSeconds(0, 0)
  const scheduled = await rest('POST', `/api/newsletter-issues/${id}/send`, { as: 'editor', body: { at: at.toISOString() } })
  expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(202)

  await adminLogin(page, 'editor')
  await page.goto(`${cmsUrl()}/admin/desk`)
  const section = page.getByTestId('desk-newsletter')
  await expect(section.getByRole('listitem').filter({ hasText: subject })).toContainText(`scheduled for ${staffTime(at.toISOString())}`)
  await section.getByRole('link', { name: subject }).click()
  await page.waitForURL(new RegExp(`/newsletter-issues/${id}$`))

  expect((await rest('POST', `/api/newsletter-issues/${id}/cancel`, { as: 'editor', body: {} })).status).toBe(200)
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByTestId('desk-newsletter')).not.toContainText(subject)
})

test.describe('in a browser whose clock is not UTC', () => {
  // New York: 5 hours behind UTC in December, so a local, unlabelled time reads as another hour.
  test.use({ timezoneId: 'America/New_York' })

  test('the issue shows its times in staff time (UTC, labelled), its statuses by name, and a reviewer no buttons the server refuses', async ({ page }) => {
    const guides = await rest('GET', '/api/articles?where[slug][equals]=returning-to-running-after-an-injury&depth=0', { as: 'editor' })
    const subject = `Times and roles ${Date.now().toString(36)}`
    const created = await rest('POST', '/api/newsletter-issues', { as: 'editor', body: { subject, featuredGuide: guides.body.docs[0].id } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = created.body.doc.id
    const at = new Date(Date.now() + 3 * 24 * 3600_000)
    at.setUTCHours(7, 30, 0, 0)
    expect((await rest('POST', `/api/newsletter-issues/${id}/send`, { as: 'editor', body: { at: at.toISOString() } })).status).toBe(202)
    const when = staffTime(at.toISOString()) // e.g. "Dec 4, 2026, 7:30 AM UTC"; New York would read 2:30 AM

    // The editor: the panel and the sidebar say the scheduled time in UTC; the status by name.
    await adminLogin(page, 'editor')
    await page.goto(`${cmsUrl()}/admin/collections/newsletter-issues/${id}`)
    await expect(panel(page).getByTestId('newsletter-status')).toContainText(`Status: Scheduled`)
    await expect(panel(page).getByTestId('newsletter-status')).toContainText(`scheduled for ${when}`)
    await expect(page.getByTestId('staff-time-scheduledFor')).toHaveText(when)
    await expect(page.getByTestId('staff-time-at').first()).toHaveText(/^\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC$/) // the send record
    for (const name of ['Send a test to me', 'Send now', 'Cancel schedule', 'Schedule']) await expect(panel(page).getByRole('button', { name, exact: true })).toBeVisible()
    // The picker takes local time; the panel says which UTC moment that is.
    await panel(page).locator('#newsletter-schedule-at').fill('2030-01-15T09:00')
    await expect(panel(page).getByTestId('newsletter-schedule-utc')).toHaveText('= Jan 15, 2030, 2:00 PM UTC')

    // The list: the status by name, the time in UTC.
    await page.goto(`${cmsUrl()}/admin/collections/newsletter-issues`)
    const row = page.getByRole('row').filter({ hasText: subject })
    await expect(row).toContainText('Scheduled')
    await expect(row).not.toContainText('scheduled')
    await expect(row).toContainText(when)

    // A reviewer sees the issue and its status, and the server's sentence, but none of the buttons it refuses (403).
    await adminLogin(page, 'reviewer')
    await page.goto(`${cmsUrl()}/admin/collections/newsletter-issues/${id}`)
    await expect(panel(page).getByTestId('newsletter-status')).toContainText(`scheduled for ${when}`)
    await expect(panel(page).getByTestId('newsletter-refused')).toHaveText('Only editors and admins can send newsletter issues.')
    await expect(panel(page).getByRole('button', { name: 'Preview HTML' })).toBeVisible()
    for (const name of ['Send a test to me', 'Send now', 'Cancel schedule', 'Schedule']) await expect(panel(page).getByRole('button', { name, exact: true })).toHaveCount(0)
    await expect(panel(page).locator('#newsletter-schedule-at')).toHaveCount(0)
    expect((await rest('POST', `/api/newsletter-issues/${id}/cancel`, { as: 'reviewer', body: {} })).status).toBe(403)

    // Cancelled by an editor: a draft again, and the status select reads "Draft".
    expect((await rest('POST', `/api/newsletter-issues/${id}/cancel`, { as: 'editor', body: {} })).status).toBe(200)
    await adminLogin(page, 'editor')
    await page.goto(`${cmsUrl()}/admin/collections/newsletter-issues/${id}`)
    await expect(panel(page).getByTestId('newsletter-status')).toContainText('Status: Draft')
    await expect(page.locator('#field-status')).toContainText('Draft')
    await expect(page.locator('#field-status')).not.toContainText('draft')
  })
})
