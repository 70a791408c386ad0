import { type Page, expect, test } from '@playwright/test'
import { act, cmsUrl, createGuide, guideAt, lexical, reviewerIds, rest } from '../helpers/api'
import { adminLogin, openGuide } from '../helpers/admin'

const panelButton = (page: Page, name: string) => page.getByTestId('workflow-panel').getByRole('button', { name, exact: true })

test('a full review cycle through the admin, and the site shows the new reviewer line', async ({ page }) => {
  const guide = await createGuide('editor', { title: `Admin cycle ${Date.now()}` })

  await adminLogin(page, 'editor')
  await openGuide(page, guide.id)
  await expect(page.getByTestId('workflow-stage')).toHaveText('Draft')
  // Payload's own publish button is gone: publishing goes through the workflow.
  await expect(page.locator('.doc-controls').getByRole('button', { name: /publish/i })).toHaveCount(0)
  await expect(panelButton(page, 'Publish')).toHaveCount(0)
  await panelButton(page, 'Submit for editorial review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Editorial review')
  await expect(page.getByTestId('workflow-next')).toHaveText('Waiting for another editor to send it to medical review.')
  // The author may not send their own text to medical review (four eyes): no button for it.
  await expect(panelButton(page, 'Send to medical review')).toHaveCount(0)

  await adminLogin(page, 'editor2')
  await openGuide(page, guide.id)
  await page.getByTestId('workflow-panel').getByLabel('Medical reviewer').selectOption({ label: 'Raphael Crawford-Marks, Founder' })
  await panelButton(page, 'Send to medical review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Medical review')
  await expect(panelButton(page, 'Sign off')).toHaveCount(0)

  await adminLogin(page, 'reviewer2')
  await openGuide(page, guide.id)
  await expect(panelButton(page, 'Sign off')).toHaveCount(0)

  await adminLogin(page, 'reviewer')
  await openGuide(page, guide.id)
  await expect(page.getByTestId('workflow-next')).toContainText('Waiting for Raphael Crawford-Marks to sign off')
  // The confirmation says what is signed, by whom, its fingerprint and version, and that an edit voids it.
  await page.screenshot({ path: 'test-results/screens/sign-off-panel.png' })
  const dialog = page.waitForEvent('dialog')
  const click = panelButton(page, 'Sign off').click()
  const confirmation = await dialog
  const text = confirmation.message()
  await confirmation.accept()
  await click
  expect(text).toContain(`You are signing off "${guide.title}" as Raphael Crawford-Marks`)
  expect(text).toMatch(/title, summary, body, medical disclaimer and Safety section/)
  expect(text).toMatch(/Fingerprint [0-9a-f]{4}…[0-9a-f]{4}, version \d+ of this guide\./)
  expect(text).toContain('Any later edit of the text voids this sign-off.')
  await expect(page.getByTestId('workflow-stage')).toHaveText('Approved (signed off)')
  await expect(page.getByTestId('workflow-next')).toHaveText('Signed off: ready to publish.')
  await expect(page.getByTestId('workflow-signoff')).toContainText('matches the current text')
  await expect(panelButton(page, 'Publish')).toHaveCount(0)

  await adminLogin(page, 'editor')
  await openGuide(page, guide.id)
  await panelButton(page, 'Publish').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')

  const today = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.locator('.review-line')).toContainText(`Reviewed by Raphael Crawford-Marks, Founder · Last reviewed ${today}`)
})

test('the server refuses what the panel does not offer, and the panel says why', async ({ page }) => {
  const guide = await createGuide('editor')
  await act(guide.id, 'editor', 'submit')
  await adminLogin(page, 'editor2')
  await openGuide(page, guide.id)
  // Send without choosing a reviewer: the server's sentence is shown.
  await panelButton(page, 'Send to medical review').click()
  const alert = page.getByTestId('workflow-panel').getByRole('alert')
  await expect(alert).toHaveText('Name the medical reviewer to send the guide to.')
  // The sentence alone: no stray field name ("• reviewer") under it.
  await expect(alert.getByRole('listitem')).toHaveCount(0)
  await panelButton(page, 'Request changes').click()
  await expect(alert).toHaveText('Say what needs to change: a note is required.')
  await expect(alert.getByRole('listitem')).toHaveCount(0)
})

test('publishing an edit of a live guide updates the site without a rebuild; unpublishing makes it 404', async ({ page }) => {
  const guide = await createGuide('editor')
  const { raphael } = await reviewerIds()
  const cycle = async (author: 'editor' | 'editor2') => {
    await act(guide.id, author, 'submit')
    await act(guide.id, author === 'editor' ? 'editor2' : 'editor', 'send_to_medical_review', { reviewer: raphael })
    await act(guide.id, 'reviewer', 'sign_off')
    expect((await act(guide.id, 'editor', 'publish', { note: 'A clearer title.' })).status).toBe(200)
  }
  await cycle('editor')
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(guide.title)

  await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { title: 'A freshly reviewed title' } })
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.getByRole('heading', { level: 1 }), 'an unreviewed edit never reaches readers').toHaveText(guide.title)
  await cycle('editor2')
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A freshly reviewed title')

  expect((await act(guide.id, 'editor', 'unpublish')).status).toBe(200)
  const res = await page.goto(`/guides/${guide.slug}`)
  expect(res?.status()).toBe(404)
  await page.goto('/')
  await expect(page.getByRole('link', { name: 'A freshly reviewed title' })).toHaveCount(0)
})

test('a re-review with no changes in the admin: editor starts it, another editor sends it, the reviewer signs, an admin publishes', async ({ page }) => {
  const guide = await guideAt('published', { title: `Re-review ${Date.now()}` })
  const before = (await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=0`)).body.docs[0]

  await adminLogin(page, 'editor2')
  await openGuide(page, guide.id)
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')
  await panelButton(page, 'Start re-review').click()
  await expect(page.getByTestId('workflow-stage')).toContainText('Editorial review')
  // editor2 did not write the text, so editor2 may send it on (four eyes hold for the text's author).
  await page.getByTestId('workflow-panel').getByLabel('Medical reviewer').selectOption({ label: 'Raphael Crawford-Marks, Founder' })
  await panelButton(page, 'Send to medical review').click()
  await expect(page.getByTestId('workflow-stage')).toContainText('Medical review')

  // Readers keep the signed version throughout.
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(guide.title)

  await adminLogin(page, 'reviewer')
  await openGuide(page, guide.id)
  page.once('dialog', (d) => void d.accept())
  await panelButton(page, 'Sign off').click()
  await expect(page.getByTestId('workflow-stage')).toContainText('Approved (signed off)')
  await expect(page.getByTestId('workflow-signoff')).toContainText('matches the current text')

  await adminLogin(page, 'admin')
  await openGuide(page, guide.id)
  await panelButton(page, 'Publish').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')

  const after = (await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=0`)).body.docs[0]
  expect(after.title).toBe(before.title)
  expect(new Date(after.lastReviewedAt).getTime()).toBeGreaterThan(new Date(before.lastReviewedAt).getTime())
  expect(new Date(after.nextReviewDue).getTime()).toBeGreaterThan(new Date(before.nextReviewDue).getTime())
  await page.goto(`/guides/${guide.slug}`)
  await expect(page.locator('.review-line')).toContainText('Reviewed by Raphael Crawford-Marks, Founder')
  await expect(page.locator('.review-history')).toContainText('Reviewed with no changes, reviewed by Raphael Crawford-Marks, Founder')
})

test('the panel follows an edit as it is saved, says the change needs a new review, and shows a request for changes as a banner', async ({ page }) => {
  const guide = await guideAt('published', { title: `Panel ${Date.now()}` })
  await adminLogin(page, 'editor2')
  await openGuide(page, guide.id)
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')
  await expect(panelButton(page, 'Unpublish')).toBeVisible()
  await page.locator('#field-summary').fill('A summary changed in the admin.')
  // Autosave (no click on Save): the panel follows and offers nothing the server would refuse.
  await expect(page.getByTestId('workflow-next')).toHaveText('Your change needs a new review. Readers still see the signed version.', { timeout: 20_000 })
  await expect(page.getByTestId('workflow-stage')).toContainText('Draft')
  await expect(panelButton(page, 'Publish')).toHaveCount(0)
  await page.screenshot({ path: 'test-results/screens/panel-after-edit.png' })

  expect((await act(guide.id, 'editor2', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor', 'request_changes', { note: 'Cite the study for the second claim.' })).status).toBe(200)
  await openGuide(page, guide.id)
  const banner = page.getByTestId('workflow-changes-requested')
  await expect(banner).toContainText('Changes requested by')
  await expect(banner).toContainText('Cite the study for the second claim.')
  await page.screenshot({ path: 'test-results/screens/changes-requested-banner.png' })
})

test("the panel lists a reviewer who cannot sign off greyed out, and shows the reviewer a cited source's changed details", async ({ page }) => {
  const n = Date.now()
  const lapsed = await rest('POST', '/api/reviewers', {
    as: 'admin',
    body: { name: `Lapsed Panel ${n}`, role: 'Physio', verification: { verifiedAt: '2020-01-15T00:00:00.000Z' } },
  })
  expect(lapsed.status).toBe(201)
  const inReview = await guideAt('editorial_review', { title: `Choose reviewer ${n}` })
  await adminLogin(page, 'editor2')
  await openGuide(page, inReview.id)
  const option = page
    .getByTestId('workflow-panel')
    .getByLabel('Medical reviewer')
    .locator('option', { hasText: `Lapsed Panel ${n}` })
  await expect(option).toHaveText(`Lapsed Panel ${n}, Physio — cannot sign off: verification lapsed on 2022-01-15`)
  await expect(option).toBeDisabled()
  await expect(page.getByTestId('workflow-panel').getByLabel('Medical reviewer').locator('option', { hasText: 'Raphael Crawford-Marks' })).toBeEnabled()

  // A source edited after the sign-off: the reviewer sees its old and new details in the diff.
  const source = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Calf strain ${n}`, authors: ['Green B'], year: 2017, container: 'JOSPT' } })).body.doc
  const approved = await guideAt('approved', { title: `Source changed ${n}`, body: lexical('A claim.', [source.id]) })
  expect((await rest('PATCH', `/api/sources/${source.id}`, { as: 'editor', body: { title: `Calf strain in runners ${n}` } })).status).toBe(200)
  expect((await act(approved.id, 'editor', 'start_review')).status).toBe(200)
  expect((await act(approved.id, 'editor2', 'send_to_medical_review', { reviewer: (await reviewerIds()).raphael })).status).toBe(200)
  await adminLogin(page, 'reviewer')
  await openGuide(page, approved.id)
  const diff = page.getByTestId('workflow-diff')
  await expect(diff.getByRole('heading', { name: 'Sources' })).toBeVisible()
  await expect(diff).toContainText(`[1] Green B. Calf strain in runners ${n}. JOSPT (2017).`)
  await expect(diff.locator('ins')).toHaveText(['in runners'])
  await diff.screenshot({ path: 'test-results/screens/diff-sources.png' })
})

test("an editor writes a topic's description in the admin, but cannot name, rename or create a topic", async ({ page }) => {
  const created = await rest('POST', '/api/topics', { as: 'admin', body: { name: `Trails ${Date.now().toString(36)}` } })
  const topic = created.body.doc as { id: number; name: string }

  await adminLogin(page, 'editor')
  await page.goto(`${cmsUrl()}/admin/collections/topics/${topic.id}`)
  await expect(page.locator('#field-name')).toHaveValue(topic.name)
  await expect(page.locator('#field-name')).toBeDisabled()
  await expect(page.locator('#field-slug')).toBeDisabled()
  const description = `Guides for running off road, ${Date.now()}.`
  await page.locator('#field-description').fill(description)
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect.poll(async () => (await rest('GET', `/api/topics/${topic.id}`)).body.description).toBe(description)
  expect((await rest('GET', `/api/topics/${topic.id}`)).body.name).toBe(topic.name)

  await page.goto(`${cmsUrl()}/admin/collections/topics`)
  await expect(page.getByRole('link', { name: topic.name })).toBeVisible()
  await expect(page.getByRole('link', { name: /create new/i })).toHaveCount(0)
  // An admin has it (so the editor's missing link is the access rule, not the page's wording).
  await adminLogin(page, 'admin')
  await page.goto(`${cmsUrl()}/admin/collections/topics`)
  await expect(page.getByRole('link', { name: /create new/i }).first()).toBeVisible()
})
