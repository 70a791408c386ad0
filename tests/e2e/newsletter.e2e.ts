import { type Page, expect, test } from '@playwright/test'
import { linkIn, waitForMail } from '../helpers/mail'

const GUIDE = '/guides/returning-to-running-after-an-injury'
const address = (tag: string) => `e2e-${tag}-${Date.now().toString(36)}@example.com`

async function confirmFromInbox(page: Page, email: string) {
  const [mail] = await waitForMail(email, (m) => m.subject === 'Confirm your Runsense subscription')
  await page.goto(linkIn(mail, '/newsletter/confirm?token='))
  // Opening the link only shows the button (mail scanners prefetch links); pressing it confirms.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your subscription')
  await page.getByRole('button', { name: 'Confirm my subscription' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/subscribed/)
}

test('sign up from a guide with JavaScript, confirm from the email, unsubscribe from the welcome email', async ({ page }) => {
  const email = address('js')
  await page.goto(GUIDE)
  await page.getByLabel('Email address').fill(email)
  await page.getByRole('button', { name: 'Subscribe' }).click()
  // Inline answer, no page load.
  await expect(page.getByRole('status')).toContainText('Check your inbox')
  await expect(page).toHaveURL(new RegExp(`${GUIDE}$`))

  await confirmFromInbox(page, email)

  const [welcome] = await waitForMail(email, (m) => m.subject === 'You are subscribed to Runsense')
  await page.goto(linkIn(welcome, '/newsletter/unsubscribe?token='))
  await page.getByRole('button', { name: 'Unsubscribe' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/unsubscribed/)
})

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false })

  test('the guide is readable and the plain form signs up', async ({ page }) => {
    const email = address('nojs')
    await page.goto(GUIDE)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Returning to Running After an Injury')
    await expect(page.locator('#source-1')).toContainText('Gabbett TJ')
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await expect(page).toHaveURL(/\/newsletter\/check-your-inbox$/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox')
    await confirmFromInbox(page, email)
  })

  test('a mistyped address comes back beside the field, as typed', async ({ page }) => {
    await page.goto(GUIDE)
    await page.getByLabel('Email address').fill('runner@@example')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await expect(page.getByRole('alert')).toContainText("doesn't look like an email address")
    await expect(page.getByLabel('Email address')).toHaveValue('runner@@example')
  })
})

test('a forged X-Forwarded-For does not dodge the per-IP limit (no TRUST_PROXY)', async ({ request }) => {
  const statuses: number[] = []
  for (let i = 0; i < 22; i++) {
    const res = await request.post('/api/newsletter', {
      headers: { 'x-forwarded-for': `198.51.100.${i}` },
      data: { email: address(`xff${i}`) },
    })
    statuses.push(res.status())
  }
  expect(statuses).toContain(429)
  // Once the limit is reached it holds: a new forged address never gets through again.
  expect(
    statuses.slice(statuses.indexOf(429)).every((s) => s === 429),
    statuses.join(' '),
  ).toBe(true)
})
