/**
 * The security headers of the site and the CMS, checked as a browser gets them, and the site's
 * strict CSP checked in Chromium itself: reader pages, their signup script and their JSON-LD work
 * under it, and an injected inline script does not run.
 */
import { expect, test, type Page } from '@playwright/test'

const cms = () => process.env.CMS_URL || 'http://localhost:3001'
const GUIDE = '/guides/returning-to-running-after-an-injury'

const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}

/** CSP violations Chromium reports on the page (it logs each one to the console). */
function cspViolations(page: Page) {
  const seen: string[] = []
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) seen.push(msg.text())
  })
  return seen
}

test('reader pages carry a strict CSP and the other security headers, and nothing on them breaks it', async ({ page }) => {
  const violations = cspViolations(page)
  for (const path of ['/', GUIDE, '/guides', '/topics/injury-and-comebacks', '/reviewers/raphael-crawford-marks', '/newsletter', '/about/editorial-policy', '/rss.xml']) {
    const res = (await page.goto(path))!
    const h = res.headers()
    expect(h, path).toMatchObject(COMMON)
    expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin')
    expect(h['permissions-policy'], path).toContain('camera=()')
    const csp = h['content-security-policy'] ?? ''
    expect(csp, path).toContain("script-src 'self'")
    expect(csp, path).toContain("frame-ancestors 'none'")
    expect(csp, path).toContain("object-src 'none'")
    expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    // Over plain http, no HSTS (it would be ignored, and wrong for local runs).
    expect(h['strict-transport-security'], path).toBeUndefined()
  }
  expect(violations).toEqual([])
})

test('the 404 page is plain HTML like the reader pages: no scripts, nothing refused, its text is there', async ({ page }) => {
  const violations = cspViolations(page)
  const scripts: string[] = []
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url())
  })
  const res = (await page.goto('/guides/no-such-guide', { waitUntil: 'networkidle' }))!
  expect(res.status()).toBe(404)
  expect(res.headers()['content-security-policy']).toContain("script-src 'self'")
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.getByRole('link', { name: /guides/i }).first()).toBeVisible()
  expect(scripts).toEqual([])
  expect(await page.locator('script').count()).toBe(0)
  expect(violations).toEqual([])
})

test('under the CSP the signup script still runs and an injected inline script does not', async ({ page }) => {
  const violations = cspViolations(page)
  await page.goto('/newsletter')
  // signup.js (same origin) runs: the JSON form answers inline, without a page load.
  await page.getByLabel('Email address', { exact: true }).first().fill(`csp-${Date.now()}@example.com`)
  await page.getByRole('button', { name: 'Subscribe' }).first().click()
  await expect(page).toHaveURL(/\/newsletter$/)
  await expect(page.locator('.signup-message').first()).toBeVisible()
  // JSON-LD is a data block: the CSP does not touch it, and it stays in the page.
  await page.goto(GUIDE)
  expect(JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!)['@type']).toBeTruthy()
  expect(violations).toEqual([])
  // An inline script someone managed to inject is refused by the browser.
  await page.evaluate(() => {
    const s = document.createElement('script')
    s.textContent = 'window.__injected = true'
    document.body.appendChild(s)
  })
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected ?? false)).toBe(false)
  expect(violations.length).toBeGreaterThan(0)
})

test('over https (X-Forwarded-Proto from the TLS proxy) both apps send HSTS', async ({ request }) => {
  const site = await request.get(GUIDE, { headers: { 'x-forwarded-proto': 'https' } })
  expect(site.headers()['strict-transport-security']).toMatch(/max-age=\d{7,}/)
  const admin = await request.get(`${cms()}/admin/login`, { headers: { 'x-forwarded-proto': 'https' } })
  expect(admin.headers()['strict-transport-security']).toMatch(/max-age=\d{7,}/)
})

test('the CMS admin and API cannot be framed and are not sniffed', async ({ request }) => {
  for (const path of ['/admin/login', '/api/articles?limit=1', '/api/health']) {
    const res = await request.get(`${cms()}${path}`)
    const h = res.headers()
    expect(h, path).toMatchObject(COMMON)
    expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'")
    expect(h['referrer-policy'], path).toBe('same-origin')
    expect(h['permissions-policy'], path).toContain('camera=()')
    expect(h['strict-transport-security'], path).toBeUndefined()
  }
})

test('a page that frames the admin shows nothing of it', async ({ page }) => {
  const violations: string[] = []
  page.on('console', (msg) => violations.push(msg.text()))
  await page.setContent(`<iframe id="f" src="${cms()}/admin/login" width="600" height="400"></iframe>`)
  await page.waitForTimeout(3000)
  const frame = page.frames().find((f) => f.url().includes('/admin'))
  const text = frame ? await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : ''
  expect(text).not.toMatch(/password|log ?in/i)
})
