import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'

const GUIDE = '/guides/returning-to-running-after-an-injury'
const PAGES = [
  ['home', '/'],
  ['guide', GUIDE],
  ['guides list', '/guides'],
  ['topic', '/topics/injury-and-comebacks'],
  ['reviewer', '/reviewers/raphael-crawford-marks'],
  ['editorial policy', '/about/editorial-policy'],
  ['newsletter', '/newsletter'],
  ['check your inbox', '/newsletter/check-your-inbox'],
  ['confirm (bad token)', '/newsletter/confirm?token=nope'],
  ['unsubscribe', '/newsletter/unsubscribe?token=x.y'],
  ['404', '/guides/no-such-guide'],
] as const

for (const [name, path] of PAGES) {
  test(`axe finds no violations on the ${name} page, light and dark`, async ({ page }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await page.goto(path)
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        colorScheme,
      ).toEqual([])
    }
  })
}

test('the guide page has a table of contents, reading time, the review line and JSON-LD that matches it', async ({ page }) => {
  await page.goto(GUIDE)
  const toc = page.getByRole('navigation', { name: 'In this guide' })
  await expect(toc.getByRole('link', { name: 'The principle — rebuild gradually' })).toHaveAttribute('href', '#the-principle-rebuild-gradually')
  await expect(page.locator('#the-principle-rebuild-gradually')).toHaveText('The principle — rebuild gradually')
  await expect(page.locator('.byline')).toContainText(/\d+ min read/)
  const line = page.locator('.review-line')
  await expect(line).toContainText('Reviewed by Raphael Crawford-Marks, Founder · Last reviewed June 9, 2026')
  await expect(line.getByRole('link', { name: 'How we review guides' })).toHaveAttribute('href', '/about/editorial-policy')

  const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!)
  expect(ld['@type']).toBe('MedicalWebPage')
  expect(ld.lastReviewed).toBe('2026-06-09')
  expect(ld.reviewedBy).toMatchObject({ '@type': 'Person', name: 'Raphael Crawford-Marks', url: expect.stringMatching(/\/reviewers\/raphael-crawford-marks$/) })
  expect(ld.publisher).toMatchObject({ '@type': 'Organization', name: 'Runsense' })
  expect(ld.citation).toHaveLength(1)
  expect(ld.citation[0]).toMatchObject({ '@type': 'ScholarlyArticle', datePublished: '2016' })
  expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toMatch(new RegExp(`${GUIDE}$`))
  expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toContain('Returning to Running After an Injury')
})

test('lists: /guides filters by topic, the topic page lists its guides, the home page shows the newest', async ({ page }) => {
  await page.goto('/guides')
  await page.getByRole('navigation', { name: 'Filter by topic' }).getByRole('link', { name: 'Injury and comebacks' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Guides on Injury and comebacks')
  await expect(page.getByRole('link', { name: 'Returning to Running After an Injury' })).toBeVisible()
  await page.goto('/topics/injury-and-comebacks')
  await expect(page.getByRole('link', { name: 'Returning to Running After an Injury' })).toBeVisible()
  await page.goto('/about/editorial-policy')
  await expect(page.getByText('general education, not medical advice').first()).toBeVisible()
})

test('robots, sitemap and feed are served', async ({ request }) => {
  const robots = await (await request.get('/robots.txt')).text()
  expect(robots).toMatch(/Sitemap: .*\/sitemap\.xml/)
  const sitemap = await request.get('/sitemap.xml')
  expect(sitemap.status()).toBe(200)
  expect(await sitemap.text()).toContain(`${GUIDE}</loc>`)
  const rss = await request.get('/rss.xml')
  expect(rss.headers()['content-type']).toContain('application/rss+xml')
  expect(await rss.text()).toMatch(/<title>(<!\[CDATA\[)?Returning to Running After an Injury(\]\]>)?<\/title>/)
})

test('every reader page loads no framework JavaScript: at most the signup enhancement', async ({ page }) => {
  for (const [name, path] of PAGES) {
    const scripts: string[] = []
    const onRequest = (r: import('@playwright/test').Request) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname)
    }
    page.on('request', onRequest)
    await page.goto(path, { waitUntil: 'networkidle' })
    page.off('request', onRequest)
    const hasSignup = (await page.locator('form.signup-form').count()) > 0
    expect(scripts, name).toEqual(hasSignup ? ['/signup.js'] : [])
    // Inline scripts: only the guide's JSON-LD data block, never code.
    const inline = await page.locator('script:not([src])').evaluateAll((els) => els.map((e) => e.getAttribute('type')))
    expect(
      inline.every((t) => t === 'application/ld+json'),
      name,
    ).toBe(true)
  }
})
