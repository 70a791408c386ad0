import { expect, test } from '@playwright/test'
import { guideData, rest } from '../helpers/api'

const SLUG = 'returning-to-running-after-an-injury'

test('the home page lists the seed guide and links to it', async ({ page }) => {
  await page.goto('/')
  const link = page.getByRole('link', { name: 'Returning to Running After an Injury' })
  await expect(link).toBeVisible()
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/guides/${SLUG}$`))
})

test('the guide page shows everything the published guide has', async ({ page }) => {
  const res = await page.goto(`/guides/${SLUG}`)
  expect(res?.status()).toBe(200)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Returning to Running After an Injury')

  await expect(page.locator('.byline')).toContainText('By Runsense')
  // Said once, as the publication always said it.
  const review = page.locator('.review-line')
  await expect(review).toContainText('Reviewed by Raphael Crawford-Marks, Founder · Last reviewed June 9, 2026')
  expect((await page.locator('main').innerText()).match(/Reviewed by Raphael Crawford-Marks/g)).toHaveLength(1)
  await expect(review.getByRole('link', { name: 'Raphael Crawford-Marks' })).toHaveAttribute('href', '/reviewers/raphael-crawford-marks')

  for (const h of [
    'The principle — rebuild gradually',
    'Why the first weeks back are the riskiest',
    'How to come back — the general playbook',
    'Bone injuries need extra patience',
    'When to get guidance',
    'Safety',
    'Sources',
  ]) {
    await expect(page.getByRole('heading', { level: 2, name: h })).toBeVisible()
  }

  // The inline citation: a superscript "1" linking to the first Sources entry.
  const cite = page.locator('sup.cite a')
  await expect(cite).toHaveCount(1)
  await expect(cite).toHaveText('1')
  await expect(cite).toHaveAttribute('href', '#source-1')
  const source = page.locator('#source-1')
  await expect(source).toContainText(
    'Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and harder? British Journal of Sports Medicine 50(5):273-280 (2016).',
  )
  await expect(source).toContainText('(Review of training-load and injury research (team-sport origin))')
  await cite.click()
  await expect(page).toHaveURL(/#source-1$/)

  await expect(page.locator('.disclaimer')).toContainText('This is general education, not medical advice')
  await expect(page.locator('.safety')).toContainText('Pain that rises during a run, or that persists, means stop and get assessed.')

  // The editor-only "needs content" marker is never shown to readers.
  await expect(page.getByText('Needs content')).toHaveCount(0)

  await expect(page.getByRole('heading', { name: 'One running guide a week.' })).toBeVisible()
  await expect(page.getByText('Calm, useful, no spam.')).toBeVisible()
  await expect(page.getByLabel('Email address')).toBeVisible()
})

test('a draft and an unknown slug are 404 pages, not errors', async ({ page }) => {
  const created = await rest('POST', '/api/articles?draft=true', { as: 'editor', body: { ...guideData(), _status: 'draft' } })
  expect(created.status).toBe(201)
  for (const slug of [created.body.doc.slug, 'no-such-guide']) {
    const res = await page.goto(`/guides/${slug}`)
    expect(res?.status()).toBe(404)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/couldn.t find that page/)
  }
})

test('the reviewer link leads to the reviewer page', async ({ page }) => {
  await page.goto(`/guides/${SLUG}`)
  await page.locator('.review-line').getByRole('link', { name: 'Raphael Crawford-Marks' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Raphael Crawford-Marks')
  await expect(page.getByRole('link', { name: 'Returning to Running After an Injury' })).toBeVisible()
})
