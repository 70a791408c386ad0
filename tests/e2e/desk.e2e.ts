import { expect, test } from '@playwright/test'
import { act, createGuide, guideAt, lexical, rest, reviewerIds, workflowOf } from '../helpers/api'
import { adminLogin, openGuide } from '../helpers/admin'
import { cmsUrl } from '../helpers/api'
import { sql } from '../helpers/db'

const panel = (page: import('@playwright/test').Page) => page.getByTestId('workflow-panel')
const buttons = async (page: import('@playwright/test').Page) => (await panel(page).getByRole('button').allTextContents()).sort()

test('each role sees exactly the buttons for the actions it may take', async ({ page }) => {
  const guide = await createGuide('editor')
  await act(guide.id, 'editor', 'submit')
  const expected: [Parameters<typeof adminLogin>[1], string[]][] = [
    ['editor', ['Archive', 'Request changes']], // wrote it: no "Send to medical review" (four eyes)
    ['editor2', ['Archive', 'Request changes', 'Send to medical review']],
    ['admin', ['Archive', 'Request changes', 'Send to medical review']],
    ['reviewer', []],
  ]
  for (const [who, names] of expected) {
    await adminLogin(page, who)
    await openGuide(page, guide.id)
    expect(await buttons(page), who).toEqual(names)
  }
  const { raphael } = await reviewerIds()
  await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
  for (const [who, names] of [
    ['reviewer', ['Request changes', 'Sign off']],
    ['reviewer2', []],
    ['editor', ['Archive']],
  ] as const) {
    await adminLogin(page, who)
    await openGuide(page, guide.id)
    expect(await buttons(page), who).toEqual([...names])
  }
})

test('the desk lists what needs each person, including an overdue guide', async ({ page }) => {
  const waiting = await guideAt('editorial_review', { title: `Desk waiting ${Date.now()}` })
  const assigned = await guideAt('medical_review', { title: `Desk assigned ${Date.now()}` })
  const overdue = await guideAt('published', { title: `Desk overdue ${Date.now()}` })
  await sql(`update articles set next_review_due = now() - interval '3 days' where id = $1`, [overdue.id])
  const scheduled = await guideAt('approved', { title: `Desk scheduled ${Date.now()}` })
  expect((await act(scheduled.id, 'editor', 'schedule_publish', { at: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(200)
  // A guide is flagged for re-review when a source it cites is edited.
  const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Desk cited study ${Date.now()}`, authors: ['Doe J'], year: 2020 } })).body.doc
  const flagged = await guideAt('published', { title: `Desk flagged ${Date.now()}`, body: lexical('A claim.', [src.id]) })
  expect((await rest('PATCH', `/api/sources/${src.id}`, { as: 'editor2', body: { year: 2021 } })).status).toBe(200)
  // A draft with a section still to write.
  const body = lexical('An opening paragraph.')
  body.root.children.push({
    type: 'block',
    version: 2,
    format: '',
    fields: { id: '65f1000000000000000000aa', blockType: 'needsContent', blockName: '', note: 'Write the drills.' },
  } as never)
  const draft = await createGuide('editor', { title: `Desk draft ${Date.now()}`, body })

  await adminLogin(page, 'editor2')
  // Staff land on their desk after login.
  await page.goto(`${cmsUrl()}/admin`)
  await expect(page.getByRole('heading', { level: 1, name: 'My desk' })).toBeVisible()
  // In the admin's frame once: one header, one navigation (the dashboard was framed twice).
  await expect(page.locator('.app-header')).toHaveCount(1)
  // "My desk" heads the navigation.
  await expect(page.locator('nav.nav__wrap a').first()).toHaveText('My desk')
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByRole('heading', { level: 1, name: 'My desk' })).toBeVisible()
  await expect(page.locator('.app-header')).toHaveCount(1)
  await expect(page.getByTestId('desk-editorial').getByRole('link', { name: waiting.title })).toBeVisible()
  await expect(page.getByTestId('desk-due').getByRole('listitem').filter({ hasText: overdue.title })).toContainText('Overdue since')
  await expect(page.getByTestId('desk-assigned')).toHaveCount(0)
  // Each entry says who moved it last (the sections of the review cycle are checked in desk-week).
  const entry = (section: string, title: string) => page.getByTestId(section).getByRole('listitem').filter({ hasText: title })
  await expect(entry('desk-editorial', waiting.title).getByTestId('desk-moved')).toContainText('Submitted for editorial review by Demo Editor')
  await expect(entry('desk-due', overdue.title).getByTestId('desk-moved')).toContainText('Published by Demo Editor')
  await expect(entry('desk-scheduled', scheduled.title).getByTestId('desk-moved')).toContainText('Publishing scheduled by Demo Editor')
  await expect(entry('desk-flagged', flagged.title)).toContainText('was changed')
  await expect(entry('desk-flagged', flagged.title).getByTestId('desk-moved')).toContainText('Published by Demo Editor')
  await expect(entry('desk-drafts', draft.title)).toContainText('1 section still marked "needs content"')
  await expect(entry('desk-drafts', waiting.title)).toHaveCount(0)

  await adminLogin(page, 'reviewer')
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByTestId('desk-assigned').getByRole('link', { name: assigned.title })).toBeVisible()
  await expect(entry('desk-assigned', assigned.title).getByTestId('desk-moved')).toContainText('Sent to medical review by Demo Editor Two')
  await expect(page.getByTestId('desk-editorial')).toHaveCount(0)
  await expect(page.getByTestId('desk-drafts')).toHaveCount(0)
  await expect(page.getByTestId('desk-due').getByRole('link', { name: overdue.title })).toBeVisible()
})

test('a scheduled publish the gate refuses shows on the desk with why, and who moved it last', async ({ page }) => {
  const run = Date.now()
  // An approved guide citing a source, scheduled a few seconds ahead through the workflow.
  const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Desk retracted study ${run}`, authors: ['Doe J'], year: 2019 } })).body.doc
  const guide = await guideAt('approved', { title: `Desk schedule failed ${run}`, body: lexical('A claim.', [src.id]) })
  const at = new Date(Date.now() + 8_000).toISOString()
  expect((await act(guide.id, 'editor', 'schedule_publish', { at })).status).toBe(200)
  // Before that time the source is retracted: the gate refuses when the job runs.
  expect((await rest('PATCH', `/api/sources/${src.id}`, { as: 'editor2', body: { retracted: true } })).status).toBe(200)
  expect(Date.now(), 'the source was retracted before the scheduled time').toBeLessThan(Date.parse(at))

  await adminLogin(page, 'editor2')
  const failed = page.getByTestId('desk-schedule-failed').getByRole('listitem').filter({ hasText: guide.title })
  // The job runs once the time has come (queues are polled every second): reload the desk until it is listed.
  await expect(async () => {
    await page.goto(`${cmsUrl()}/admin/desk`)
    await expect(failed).toBeVisible({ timeout: 1_000 })
  }).toPass({ timeout: 45_000 })
  // Why, with the time as the desk writes times (not the stored ISO string).
  const atShown = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(at)) + ' UTC'
  await expect(failed).toContainText(`Scheduled publish at ${atShown} failed: This guide cannot be published yet.`)
  await expect(failed).toContainText('A sign-off of the current text: it, or a source it cites, changed after the sign-off.')
  await expect(failed).toContainText(`Source "${src.title}" has been retracted: remove or replace the citation.`)
  // The failure is not a move (a refused action is not recorded): the last move is the editor's schedule.
  await expect(failed.getByTestId('desk-moved')).toContainText('Publishing scheduled by Demo Editor,')
  // No longer scheduled, and not live.
  await expect(page.getByTestId('desk-scheduled').getByRole('listitem').filter({ hasText: guide.title })).toHaveCount(0)
  expect((await workflowOf(guide.id)).body).toMatchObject({ stage: 'approved', live: false, scheduledPublish: { at: null } })
  // Its sign-off stopped matching when the source changed: not "ready to publish", but listed for a re-review.
  await expect(page.getByTestId('desk-signed-off').getByRole('listitem').filter({ hasText: guide.title })).toHaveCount(0)
  await expect(page.getByTestId('desk-sign-off-unmatched').getByRole('listitem').filter({ hasText: guide.title })).toContainText('the sign-off no longer matches')
})

test('a reviewer sees what changed since the sign-off as a readable diff', async ({ page }) => {
  const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Diff study ${Date.now()}`, authors: ['Gabbett TJ'], year: 2016 } })).body.doc
  const guide = await guideAt('published', { summary: 'Start slowly after time off.', body: lexical('Build up over weeks.', [src.id]) })
  // A new heading before the cited paragraph, a word replaced in it, and one more word in the summary.
  const body = lexical('Build up over months.', [src.id])
  body.root.children.unshift({
    type: 'heading',
    tag: 'h2',
    format: '',
    indent: 0,
    version: 1,
    direction: 'ltr',
    children: [{ type: 'text', text: 'Warm up first', format: 0, detail: 0, mode: 'normal', style: '', version: 1 }],
  } as never)
  await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'Start very slowly after time off.', body } })
  const { raphael } = await reviewerIds()
  expect((await act(guide.id, 'editor', 'submit')).status).toBe(200)
  expect((await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
  await adminLogin(page, 'reviewer')
  await openGuide(page, guide.id)
  const diff = page.getByTestId('workflow-diff')
  // Open for the reviewer who can sign off now.
  await expect(diff).toHaveAttribute('open', '')
  await expect(diff).toContainText('Changes since the last sign-off')
  await expect(diff.locator('ins').first()).toHaveText(/very/)
  // Headings read as headings (not "## …"), citations by their reader number (not a database id).
  await expect(diff.locator('h5')).toHaveText('Warm up first')
  await expect(diff).not.toContainText('##')
  // A replaced word stays apart from its replacement.
  await expect(diff.locator('p', { hasText: 'Build up over' })).toHaveText('Build up over weeks months. [1: Gabbett 2016]')
  await expect(diff).not.toContainText('source')
  await diff.screenshot({ path: 'test-results/screens/diff-since-sign-off.png' })
  await expect(page.getByTestId('workflow-signoff')).toContainText('text changed since sign-off')
})

test('admins see failed jobs with their last error on the desk; editors do not see the jobs at all', async ({ page }) => {
  // A job that failed for good (as after its last retry): only an admin may see it (jobs hold email addresses).
  const message = `Desk test: the SMTP server refused the message ${Date.now()}`
  const [{ id }] = await sql(
    `insert into payload_jobs (input, task_slug, queue, has_error, error, total_tried, processing)
     values ($1, 'sendEmail', 'default', true, $2, 12, false) returning id`,
    [{ emails: [{ to: 'desk-dead-job@example.com', subject: 'Desk test', text: 'never sent', kind: 'test' }] }, { message }],
  )
  // And one still being retried (its next try tomorrow, so it stays in the list): the desk says how many tries it has left.
  const [failing] = await sql(
    `insert into payload_jobs (input, task_slug, queue, total_tried, processing, wait_until)
     values ($1, 'sendEmail', 'email', 3, false, now() + interval '1 day') returning id`,
    [{ emails: [{ to: 'desk-failing-job@example.com', subject: 'Desk test', text: 'not sent yet', kind: 'test' }] }],
  )

  await adminLogin(page, 'admin')
  await page.goto(`${cmsUrl()}/admin/desk`)
  const dead = page
    .getByTestId('desk-jobs-dead')
    .getByRole('listitem')
    .filter({ hasText: `Job ${id} ` })
  await expect(dead).toContainText('desk-dead-job@example.com')
  await expect(dead).toContainText(message)
  await expect(dead).toContainText('tried 12 of 151 times')
  await expect(
    page
      .getByTestId('desk-jobs-failing')
      .getByRole('listitem')
      .filter({ hasText: `Job ${failing.id} ` }),
  ).toContainText('desk-failing-job@example.com) — tried 3 of 151 times')
  await sql(`delete from payload_jobs where id = $1`, [failing.id])
  await expect(page.getByTestId('desk-jobs')).toContainText('sent again after a crash')
  // Once the cause is fixed, an admin tries it again: it is queued anew and leaves the list.
  await dead.getByRole('button', { name: 'Retry' }).click()
  await expect(dead.getByRole('status')).toContainText('Queued again as job')
  await page.getByTestId('desk-jobs').screenshot({ path: 'test-results/screens/desk-jobs-retried.png' })
  await page.reload()
  await expect(
    page
      .getByTestId('desk-jobs-dead')
      .getByRole('listitem')
      .filter({ hasText: `Job ${id} ` }),
  ).toHaveCount(0)

  await adminLogin(page, 'editor2')
  await page.goto(`${cmsUrl()}/admin/desk`)
  await expect(page.getByRole('heading', { level: 1, name: 'My desk' })).toBeVisible()
  await expect(page.getByTestId('desk-jobs')).toHaveCount(0)
  await expect(page.getByText(message)).toHaveCount(0)
})
