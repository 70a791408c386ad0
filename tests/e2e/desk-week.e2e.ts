/**
 * A week at the publication, as the editors and the reviewer live it in the admin (issue 18): a
 * new guide with two citations, a request for changes, medical review, sign-off, publish, an edit
 * discarded, a typo fix through a second cycle, archive and restore. Each step asserts what the
 * person sees, and a screenshot goes to test-results/screens/week-*.png.
 */
import { type Page, expect, test } from '@playwright/test'
import { cmsUrl, createGuide, lexical, rest, reviewerIds } from '../helpers/api'
import { adminLogin, openGuide } from '../helpers/admin'

const panel = (page: Page) => page.getByTestId('workflow-panel')
const panelButton = (page: Page, name: string) => panel(page).getByRole('button', { name, exact: true })
let shot = 0
const screen = (page: Page, name: string) => page.screenshot({ path: `test-results/screens/week-${String(++shot).padStart(2, '0')}-${name}.png`, fullPage: false })

/** Clicks a panel button that asks for confirmation; returns the confirmation's text (accepted). */
async function confirmClick(page: Page, name: string): Promise<string> {
  const dialog = page.waitForEvent('dialog')
  const click = panelButton(page, name).click()
  const d = await dialog
  const text = d.message()
  await d.accept()
  await click
  return text
}

/**
 * Opens a guide; when Payload says another person is editing it (document locking: the previous
 * person left the page without closing it), views it read-only as a colleague would: the workflow
 * panel works the same.
 */
async function open(page: Page, id: number) {
  await openGuide(page, id)
  const locked = page.locator('#document-locked')
  if (
    await locked.waitFor({ state: 'visible', timeout: 2_500 }).then(
      () => true,
      () => false,
    )
  ) {
    await locked.getByRole('button', { name: /read-only/i }).click()
    await expect(locked).toBeHidden()
  }
}

async function desk(page: Page) {
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByRole('heading', { level: 1, name: 'My desk' })).toBeVisible()
}

test('a week at the desk: citations, review, sign-off, publish, discard, a second cycle, archive, restore', async ({ page }) => {
  test.setTimeout(300_000)
  const run = Date.now().toString(36)
  const { raphael } = await reviewerIds()
  const a = (
    await rest('POST', '/api/sources', {
      as: 'editor',
      body: { authors: ['Gabbett TJ'], title: `The training-injury prevention paradox ${run}`, container: 'Br J Sports Med', year: 2016, doi: '10.1136/bjsports-2015-095788' },
    })
  ).body.doc
  const b = (
    await rest('POST', '/api/sources', {
      as: 'editor',
      body: { authors: ['Nielsen RO', 'Buist I'], title: `Training errors and running related injuries ${run}`, container: 'Int J Sports Phys Ther', year: 2012 },
    })
  ).body.doc
  const guide = await createGuide('editor', { title: `Week at the desk ${run}`, body: lexical('Load that rises faster than fitness raises injury risk.', [a.id, b.id, a.id]) })

  // Monday, the author: chips with reader numbers, author and year; the full source on hover and focus.
  await adminLogin(page, 'editor')
  await open(page, guide.id)
  const chips = page.getByTestId('citation-chip')
  await expect(chips).toHaveCount(3)
  await expect(chips.nth(0)).toContainText('[1] Gabbett 2016')
  await expect(chips.nth(1)).toContainText('[2] Nielsen 2012')
  await expect(chips.nth(2), 'a source cited again keeps its first number').toContainText('[1] Gabbett 2016')
  await chips.nth(1).focus()
  await expect(chips.nth(1).getByRole('tooltip')).toBeVisible()
  await expect(chips.nth(1).getByRole('tooltip')).toContainText(`Training errors and running related injuries ${run}`)
  await screen(page, 'editor-chips-focus')

  // The source picker finds a source by its author and shows author and year.
  await page.locator('.LexicalEditorTheme__inlineBlock__editButton').first().click()
  const picker = page.locator('.drawer__content .rs__control').first()
  await expect(picker).toBeVisible()
  await picker.click()
  await page.keyboard.type(`Nielsen`)
  await expect(page.locator('.rs__option', { hasText: `Nielsen 2012 — Training errors and running related injuries ${run}` })).toBeVisible()
  await screen(page, 'source-picker')
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  await expect(page.locator('.drawer__content .rs__control')).toHaveCount(0)

  // The slash menu keeps matching across a space: "/heading 2" offers Heading 2.
  const editor = page.locator('.rich-text-lexical [contenteditable="true"]').first()
  await editor.locator('p').first().click()
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type('/heading 2')
  const item = page.locator('.slash-menu-popup').getByRole('option', { name: /Heading 2/ })
  await expect(item).toBeVisible()
  await screen(page, 'slash-heading-2')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Warm up first')
  await expect(editor.locator('h2', { hasText: 'Warm up first' })).toBeVisible()

  await panelButton(page, 'Submit for editorial review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Editorial review')
  await expect(page.getByTestId('workflow-next')).toHaveText('Waiting for another editor to send it to medical review.')
  // The panel waited for the autosave: after the reload the new heading is still there.
  await expect(editor.locator('h2', { hasText: 'Warm up first' })).toBeVisible()

  // Tuesday, the second editor: the desk lists it with who moved it and when; changes requested.
  await adminLogin(page, 'editor2')
  await desk(page)
  const editorial = page.getByTestId('desk-editorial').getByRole('listitem').filter({ hasText: guide.title })
  await expect(editorial).toContainText('Submitted for editorial review by Demo Editor,')
  await expect(editorial).toContainText('UTC')
  for (const id of ['desk-medical', 'desk-signed-off', 'desk-changes', 'desk-scheduled', 'desk-flagged', 'desk-due']) await expect(page.getByTestId(id)).toBeVisible()
  await screen(page, 'desk-editorial')
  await open(page, guide.id)
  await panel(page).getByLabel('Note (required to request changes)').fill('Say what "load" means before the first claim.')
  await panelButton(page, 'Request changes').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Changes requested')

  // The author sees the request as a banner: who, when, what.
  await adminLogin(page, 'editor')
  await desk(page)
  await expect(page.getByTestId('desk-changes').getByRole('listitem').filter({ hasText: guide.title })).toContainText('Changes requested by Demo Editor Two')
  await open(page, guide.id)
  await expect(page.getByTestId('workflow-changes-requested')).toContainText('Changes requested by Demo Editor Two on')
  await expect(page.getByTestId('workflow-changes-requested')).toContainText('Say what "load" means before the first claim.')
  await screen(page, 'author-banner')
  await page.locator('#field-summary').fill('Load, the running you do, rising faster than fitness raises injury risk.')
  await expect(page.getByTestId('workflow-stage')).toHaveText('Changes requested')
  await panelButton(page, 'Submit for editorial review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Editorial review')

  // Wednesday: the second editor sends it to medical review; the desk says with whom.
  await adminLogin(page, 'editor2')
  await open(page, guide.id)
  await panel(page).getByLabel('Medical reviewer').selectOption({ label: 'Raphael Crawford-Marks, Founder' })
  await panelButton(page, 'Send to medical review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Medical review')
  await desk(page)
  const inReview = page.getByTestId('desk-medical').getByRole('listitem').filter({ hasText: guide.title })
  await expect(inReview).toContainText('with Raphael Crawford-Marks')
  await expect(inReview).toContainText('Sent to medical review by Demo Editor Two')

  // Thursday, the reviewer: read-only chips still open the full source on focus; the sign-off says what it signs.
  await adminLogin(page, 'reviewer')
  await desk(page)
  await expect(page.getByTestId('desk-assigned').getByRole('listitem').filter({ hasText: guide.title })).toBeVisible()
  await open(page, guide.id)
  await expect(chips.nth(0)).toContainText('[1] Gabbett 2016')
  await chips.nth(0).focus()
  await expect(chips.nth(0).getByRole('tooltip')).toContainText('Gabbett TJ. The training-injury prevention paradox')
  await screen(page, 'reviewer-chip-focus')
  const shownVersions = (await page.locator('.pill-version-count').first().textContent())?.trim()
  expect(shownVersions, 'the Versions tab shows how many versions there are').toMatch(/^\d+$/)
  const signing = await confirmClick(page, 'Sign off')
  expect(signing).toContain(`version ${shownVersions} of this guide.`)
  expect(signing).toContain(`You are signing off "${guide.title}" as Raphael Crawford-Marks`)
  expect(signing).toMatch(/as it is now \(\w+ \d+, \d{4}, \d+:\d{2}\s?[AP]M UTC\)/)
  expect(signing).toContain('its title, summary, body, medical disclaimer and Safety section')
  expect(signing).toContain('2 cited sources: [1] Gabbett 2016, [2] Nielsen 2012.')
  expect(signing).toMatch(/Fingerprint [0-9a-f]{4}…[0-9a-f]{4}, version \d+ of this guide\./)
  expect(signing).toContain('Any later edit of the text voids this sign-off.')
  await expect(page.getByTestId('workflow-stage')).toHaveText('Approved (signed off)')

  // Friday: signed off, ready to publish on the editor's desk; published.
  await adminLogin(page, 'editor')
  await desk(page)
  await expect(page.getByTestId('desk-signed-off').getByRole('listitem').filter({ hasText: guide.title })).toContainText('Signed off by Raphael Crawford-Marks')
  await screen(page, 'desk-signed-off')
  await open(page, guide.id)
  await panelButton(page, 'Publish').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')

  // Next Monday: an edit needs a new review, readers keep the signed text; "Discard my changes" brings it back.
  await page.locator('#field-title').fill(`${guide.title} — draft idea`)
  await expect(page.getByTestId('workflow-next')).toHaveText('Your change needs a new review. Readers still see the signed version.', { timeout: 20_000 })
  await expect(panelButton(page, 'Publish')).toHaveCount(0)
  await screen(page, 'after-edit')
  const discard = await confirmClick(page, 'Discard my changes (back to the signed text)')
  expect(discard).toContain('goes back to exactly what Raphael Crawford-Marks signed off on')
  expect(discard).toContain('Readers keep seeing the signed version')
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')
  await expect(page.locator('#field-title')).toHaveValue(guide.title)
  await expect(panelButton(page, 'Discard my changes (back to the signed text)')).toHaveCount(0)
  // The signed text is back with its citations, as numbered and named before.
  await expect(chips).toContainText(['[1] Gabbett 2016', '[2] Nielsen 2012', '[1] Gabbett 2016'])
  await screen(page, 'after-discard')

  // A typo fix through a second cycle (the reviewer sees what changed; the editor publishes with a note).
  const fixed = guide.title.replace('Week at the desk', 'Week at the desk,')
  await page.locator('#field-title').fill(fixed)
  await expect(page.getByTestId('workflow-next')).toHaveText('Your change needs a new review. Readers still see the signed version.', { timeout: 20_000 })
  await panelButton(page, 'Submit for editorial review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Editorial review · readers see the signed version')
  // Submitted: the author is told who acts next, as in the first cycle.
  await expect(page.getByTestId('workflow-next')).toHaveText('Waiting for another editor to send it to medical review. Readers still see the signed version.')
  // The second editor sends it back to the reviewer it had: already chosen in the panel.
  await adminLogin(page, 'editor2')
  await open(page, guide.id)
  const chosen = panel(page).getByLabel('Medical reviewer')
  await expect(chosen).toHaveValue(String(raphael))
  await expect(chosen.locator('option:checked')).toHaveText('Raphael Crawford-Marks, Founder')
  await expect(page.getByTestId('workflow-next')).toHaveText('Ready for an editor who did not write it to send it to medical review. Readers still see the signed version.')
  await screen(page, 'reviewer-preselected')
  await panelButton(page, 'Send to medical review').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Medical review · readers see the signed version')
  await adminLogin(page, 'reviewer')
  await open(page, guide.id)
  await expect(page.getByTestId('workflow-diff')).toContainText('Title')
  // The fingerprint's version is the count on the Versions tab.
  const versions = (await page.locator('.pill-version-count').first().textContent())?.trim()
  const second = await confirmClick(page, 'Sign off')
  expect(second).toContain(`version ${versions} of this guide.`)
  await expect(page.getByTestId('workflow-stage')).toContainText('Approved (signed off)')
  await adminLogin(page, 'editor')
  await open(page, guide.id)
  await panel(page)
    .getByLabel(/Change note for readers/)
    .fill('Punctuation in the title.')
  await panelButton(page, 'Publish').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Published')

  // Archive asks first; the list row then claims neither a published draft nor a next review date.
  const archiving = await confirmClick(page, 'Archive')
  expect(archiving).toBe('Archive this guide? It goes offline for readers at once. It can be restored to a draft later.')
  await expect(page.getByTestId('workflow-stage')).toHaveText('Archived')
  await page.goto(`${cmsUrl()}/admin/collections/articles?search=${encodeURIComponent(fixed)}`)
  const row = page.locator('tbody tr', { hasText: fixed })
  await expect(row).toContainText('Archived')
  await expect(row).not.toContainText('has published version')
  await expect(row.locator('.cell-nextReviewDue')).toHaveText('—')
  await expect(row).toContainText('Raphael Crawford-Marks')
  await screen(page, 'archived-list')

  // Restore brings it back as a draft, offline, for a new review.
  await open(page, guide.id)
  await panelButton(page, 'Restore to draft').click()
  await expect(page.getByTestId('workflow-stage')).toHaveText('Draft')
  // The text comes back whole, its citations too.
  await expect(chips).toContainText(['[1] Gabbett 2016', '[2] Nielsen 2012', '[1] Gabbett 2016'])
  await expect(page.getByTestId('workflow-signoff')).toContainText('matches the current text')
  await screen(page, 'restored')
  const history = (await rest('GET', `/api/articles/${guide.id}/workflow`, { as: 'editor' })).body.history.map((h: { action: string }) => h.action)
  expect(history).toEqual(expect.arrayContaining(['discard_changes', 'archive', 'restore']))
})
