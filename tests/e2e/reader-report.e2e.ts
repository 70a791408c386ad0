/**
 * A reader's report, end to end (issue 14): the reader sends the guide's "Report a problem" form
 * with JavaScript off, the editor finds it on the desk, publishes a correction that closes it,
 * and the guide's public history says "Corrected on DATE: …". Admins see lapsing verifications.
 */
import { expect, test } from '@playwright/test'
import { act, cmsUrl, guideAt, rest, reviewerIds, siteUrl } from '../helpers/api'
import { adminLogin, openGuide } from '../helpers/admin'

test('a report sent with the form, with JavaScript off, ends as a correction in the public history', async ({ browser, page }) => {
  const guide = await guideAt('published', { title: `Reported guide ${Date.now()}`, summary: 'Run 10 km on day one.' })
  const message = `Day one distance is dangerous ${Date.now()}.`

  // The reader, without JavaScript.
  const reader = await browser.newContext({ javaScriptEnabled: false })
  const readerPage = await reader.newPage()
  await readerPage.goto(`${siteUrl()}/guides/${guide.slug}`)
  const form = readerPage.locator('form.report-form')
  await form.getByLabel(/What is wrong/).fill(message)
  await form.getByRole('button', { name: 'Send report' }).click()
  await expect(readerPage).toHaveURL(`${siteUrl()}/feedback/thanks?guide=${guide.slug}`)
  await expect(readerPage.getByRole('heading', { level: 1 })).toHaveText('Thank you for your report')
  await readerPage.screenshot({ path: 'test-results/screens/report-thanks.png' })
  await reader.close()

  // A second reader writes about the same guide (the JSON contract).
  const second = `The warm-up is missing ${Date.now()}.`
  const sent = await fetch(`${siteUrl()}/api/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guide: guide.slug, message: second }),
  })
  expect(sent.status).toBe(202)

  // The editor sees them on the desk, under their guide.
  await adminLogin(page, 'editor')
  await page.goto(`${cmsUrl()}/admin/desk`)
  const onDesk = page.getByTestId('desk-reports').getByTestId('desk-report-guide').filter({ hasText: guide.title })
  await expect(onDesk).toHaveCount(1)
  await expect(onDesk).toContainText('2 open reports')
  await expect(onDesk.getByRole('listitem')).toHaveText([new RegExp(message.replace(/[.]/g, '\\.')), new RegExp(second.replace(/[.]/g, '\\.'))])
  await page.getByTestId('desk-reports').screenshot({ path: 'test-results/screens/report-on-desk.png' })

  // A corrected text goes through review; publishing it closes the report as corrected.
  const { raphael } = await reviewerIds()
  expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'Start with 10 minutes of walking and running.' } })).status).toBe(200)
  expect((await act(guide.id, 'editor2', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
  expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(200)
  await openGuide(page, guide.id)
  const corrects = page.getByTestId('workflow-corrects')
  await corrects.getByLabel(new RegExp(message.slice(0, 30))).check()
  await page
    .getByTestId('workflow-panel')
    .getByLabel(/Change note for readers/)
    .fill('Fixed the first-day distance.')
  await page.getByTestId('workflow-panel').getByRole('button', { name: 'Publish', exact: true }).click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')
  await page.goto(`${cmsUrl()}/admin/desk`)
  // The corrected report leaves the desk; the other stays open under its guide.
  await expect(page.getByTestId('desk-reports').getByRole('listitem').filter({ hasText: message })).toHaveCount(0)
  await expect(onDesk).toContainText('1 open report')

  await page.goto(`${siteUrl()}/guides/${guide.slug}`)
  const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())
  await expect(page.locator('.review-history')).toContainText(`Corrected on ${day}: reviewed by Raphael Crawford-Marks, Founder. Editor’s note: Fixed the first-day distance.`)
  await page.locator('.review-history').screenshot({ path: 'test-results/screens/report-corrected-history.png' })
})

test("admins see on the desk whose verification lapses within 60 days, and who has no passkey; editors don't", async ({ page }) => {
  const n = Date.now().toString(36)
  const monthsAgo = (m: number) => {
    const d = new Date()
    d.setUTCMonth(d.getUTCMonth() - m)
    return d.toISOString()
  }
  const soon = await rest('POST', '/api/reviewers', { as: 'admin', body: { name: `Lapsing Soon ${n}`, role: 'Physio', verification: { verifiedAt: monthsAgo(23) } } })
  const fine = await rest('POST', '/api/reviewers', { as: 'admin', body: { name: `Verified Now ${n}`, role: 'Physio', verification: { verifiedAt: new Date().toISOString() } } })
  const lapsed = await rest('POST', '/api/reviewers', { as: 'admin', body: { name: `Lapsed Long Ago ${n}`, role: 'Physio', verification: { verifiedAt: monthsAgo(30) } } })
  for (const r of [soon, fine, lapsed]) expect(r.status, JSON.stringify(r.body)).toBe(201)
  const day = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso))

  await adminLogin(page, 'admin')
  await page.goto(`${cmsUrl()}/admin/desk`)
  const section = page.getByTestId('desk-verification')
  await expect(section.getByRole('heading')).toContainText('Reviewer verifications lapsing within 60 days')
  await expect(section.getByRole('listitem').filter({ hasText: `Lapsing Soon ${n}` })).toHaveText(`Lapsing Soon ${n} — lapses on ${day(soon.body.doc.verification.expiresAt)}`)
  await expect(section.getByRole('listitem').filter({ hasText: `Lapsed Long Ago ${n}` })).toHaveText(
    `Lapsed Long Ago ${n} — lapsed on ${day(lapsed.body.doc.verification.expiresAt)}: cannot sign off`,
  )
  await expect(section.getByRole('listitem').filter({ hasText: `Verified Now ${n}` })).toHaveCount(0)
  await section.screenshot({ path: 'test-results/screens/desk-verifications.png' })
  // Issue 16: admins see which reviewers have no passkey (the seeded Demo Reviewer has none).
  await expect(page.getByTestId('desk-passkeys').getByRole('listitem').filter({ hasText: 'Demo Reviewer' })).toHaveText('Demo Reviewer — their sign-offs are not signed')

  await adminLogin(page, 'editor')
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByRole('heading', { level: 1, name: 'My desk' })).toBeVisible()
  await expect(page.getByTestId('desk-verification')).toHaveCount(0)
  await expect(page.getByTestId('desk-passkeys')).toHaveCount(0)
})
