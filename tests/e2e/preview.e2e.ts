import { expect, test } from '@playwright/test'
import { createGuide, guideAt, loginAs, rest, siteUrl } from '../helpers/api'

const host = () => new URL(siteUrl()).hostname

test('staff preview drafts through their real session; nobody else can, even with the draft cookie', async ({ browser }) => {
  const draft = await createGuide('editor', { title: `Preview draft ${Date.now()}` })

  const anonymous = await browser.newContext()
  const anon = await anonymous.newPage()
  expect((await anon.goto(`/api/preview?slug=${draft.slug}`))?.status()).toBe(404)
  expect((await anon.goto(`/guides/${draft.slug}`))?.status()).toBe(404)

  const staff = await browser.newContext()
  await staff.addCookies([{ name: 'payload-token', value: (await loginAs('reviewer2'))!, domain: host(), path: '/' }])
  const page = await staff.newPage()
  const previewed = await page.goto(`/api/preview?slug=${draft.slug}`)
  await expect(page).toHaveURL(new RegExp(`/guides/${draft.slug}$`))
  // A draft is never stored by a browser or a shared cache.
  expect(previewed?.headers()['cache-control']).toContain('no-store')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(draft.title)
  await expect(page.getByRole('status')).toContainText('Draft preview')

  // The draft-mode cookie alone, without a staff session, shows nothing.
  const bypass = (await staff.cookies()).find((c) => c.name === '__prerender_bypass')
  expect(bypass).toBeDefined()
  await anonymous.addCookies([bypass!])
  expect((await anon.goto(`/guides/${draft.slug}`))?.status()).toBe(404)
  await staff.close()
  await anonymous.close()
})

test('previewing an unpublished edit never leaks it into the cached public page', async ({ browser }) => {
  const guide = await guideAt('published')
  await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { title: 'Unreviewed preview title' } })

  const staff = await browser.newContext()
  await staff.addCookies([{ name: 'payload-token', value: (await loginAs('editor'))!, domain: host(), path: '/' }])
  const page = await staff.newPage()
  await page.goto(`/api/preview?slug=${guide.slug}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unreviewed preview title')
  await staff.close()

  const reader = await (await browser.newContext()).newPage()
  const res = await reader.goto(`/guides/${guide.slug}`)
  await expect(reader.getByRole('heading', { level: 1 })).toHaveText(guide.title)
  // The public page may be kept, but every cache must check it again: no year-long s-maxage.
  expect(res?.headers()['cache-control']).toBe('public, max-age=0, must-revalidate')
})
