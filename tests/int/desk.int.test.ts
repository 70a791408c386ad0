import { describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { act, createGuide, guideAt, lexical, rest, reviewerIds, siteUrl, workflowOf } from '../helpers/api'
import { waitForMail } from '../helpers/mail'

describe('notifications (real SMTP peer, through the jobs queue)', () => {
  it('emails the reviewer when sent for review, the author when changes are requested, editors when signed off', async () => {
    const title = `Notify ${Date.now()}`
    const guide = await createGuide('editor', { title })
    const { raphael } = await reviewerIds()
    await act(guide.id, 'editor', 'submit')
    await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
    const [ask] = await waitForMail('reviewer@runsense.local', (m) => m.subject === `Please review: ${title}`)
    expect(ask.text).toContain(`/admin/collections/articles/${guide.id}`)

    await act(guide.id, 'reviewer', 'request_changes', { note: 'Add the source for the second claim.' })
    const [changes] = await waitForMail('editor@runsense.local', (m) => m.subject === `Changes requested: ${title}`)
    expect(changes.text).toContain('Add the source for the second claim.')

    await act(guide.id, 'editor', 'submit')
    await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
    await act(guide.id, 'reviewer', 'sign_off')
    await waitForMail('editor2@runsense.local', (m) => m.subject === `Signed off: ${title}`)
    await waitForMail('admin@runsense.local', (m) => m.subject === `Signed off: ${title}`)
  })
})

describe('review cadence', () => {
  it('marks an overdue guide once, emails its reviewer and the editors, and the site keeps the true date', async () => {
    const title = `Overdue ${Date.now()}`
    const guide = await guideAt('published', { title })
    const [{ last_reviewed_at }] = await sql(`update articles set next_review_due = now() - interval '1 day' where id = $1 returning last_reviewed_at`, [guide.id])
    const [toReviewer] = await waitForMail('reviewer@runsense.local', (m) => m.subject === `Review due: ${title}`, { timeoutMs: 40_000 })
    const [toEditor] = await waitForMail('editor@runsense.local', (m) => m.subject === `Review due: ${title}`, { timeoutMs: 10_000 })
    // Each says what is theirs to do (only editors start a re-review) and links to the guide.
    for (const mail of [toReviewer, toEditor]) expect(mail.text).toContain(`/admin/collections/articles/${guide.id}`)
    expect(toEditor.text).toContain('Start re-review')
    expect(toReviewer.text).not.toMatch(/Please start a review/)
    expect(toReviewer.text).toMatch(/An editor starts the re-review/)
    const [row] = await sql('select overdue_notified_at from articles where id = $1', [guide.id])
    expect(row.overdue_notified_at).not.toBeNull()

    const deadline = Date.now() + 10_000
    let html = ''
    while (Date.now() < deadline) {
      html = await (await fetch(`${siteUrl()}/guides/${guide.slug}`)).text()
      if (html.includes('due for its scheduled re-review')) break
      await new Promise((r) => setTimeout(r, 250))
    }
    expect(html).toContain('due for its scheduled re-review')
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(last_reviewed_at))
    const text = html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '')
    expect(text).toContain(`Reviewed by Raphael Crawford-Marks, Founder · Last reviewed ${day}`)
  })
})

describe('source integrity', () => {
  it('editing a cited source flags the guide, notifies its reviewer and voids the sign-off match; retraction blocks publishing', async () => {
    const src = await rest('POST', '/api/sources', { as: 'editor', body: { title: `Cited study ${Date.now()}`, authors: ['Doe J'], container: 'Journal', year: 2020 } })
    const sourceId = src.body.doc.id
    const title = `Cites ${sourceId}`
    const guide = await guideAt('published', { title, body: lexical('A claim.', [sourceId]) })
    expect((await workflowOf(guide.id)).body.signOff.matches).toBe(true)

    expect((await rest('PATCH', `/api/sources/${sourceId}`, { as: 'editor', body: { year: 2021 } })).status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.reviewFlag.reason).toMatch(/was changed/)
    expect(wf.signOff.matches).toBe(false)
    const [notice] = await waitForMail('reviewer@runsense.local', (m) => m.subject === `Re-review needed: ${title}`)
    expect(notice.text).toContain(`Live page: ${siteUrl()}/guides/${guide.slug}`)

    // A retracted source blocks the publish gate, so the flag stays (it clears only when a review is published).
    expect((await rest('PATCH', `/api/sources/${sourceId}`, { as: 'editor', body: { retracted: true, retractionNote: 'Retracted by the journal.' } })).status).toBe(200)
    const { raphael } = await reviewerIds()
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { summary: 'Revised after the source changed.' } })
    await act(guide.id, 'editor', 'submit')
    await act(guide.id, 'editor2', 'send_to_medical_review', { reviewer: raphael })
    await act(guide.id, 'reviewer', 'sign_off')
    const publish = await act(guide.id, 'editor', 'publish')
    expect(publish.status).toBe(422)
    expect(publish.body.missing.join(' ')).toMatch(/retracted/)
    expect((await workflowOf(guide.id)).body.reviewFlag.reason).toMatch(/retracted/)
  })

  it('tells the reviewer of a guide that is not live what a changed source means for it, with no link to a page readers do not have', async () => {
    const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Unpublished citing ${Date.now()}`, authors: ['Doe J'], year: 2020 } })).body.doc
    const title = `Not live, cites ${src.id}`
    const guide = await guideAt('medical_review', { title, body: lexical('A claim.', [src.id]) })
    expect((await rest('PATCH', `/api/sources/${src.id}`, { as: 'editor', body: { year: 2021 } })).status).toBe(200)
    const [notice] = await waitForMail('reviewer@runsense.local', (m) => m.subject === `Re-review needed: ${title}`)
    expect(notice.text).toContain(`/admin/collections/articles/${guide.id}`)
    expect(notice.text).not.toContain(`/guides/${guide.slug}`)
    expect(notice.text).not.toMatch(/Readers keep seeing/)
    // Like an edit of its text, the source change took it back to editorial review: the reviewer never signs wording they were not sent.
    expect(notice.text).toMatch(/is being revised: the text sent to you next covers the source as it is now/)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('editorial_review')
    expect(wf.history.at(-1)).toMatchObject({ action: 'returned_to_editorial_review' })
    expect(wf.history.at(-1).note).toMatch(/was changed\. It went back to editorial review/)
    expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(409)
  })

  it('shows the reviewer a citation that now points at another source', async () => {
    const stamp = Date.now()
    const a = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Swap A ${stamp}`, authors: ['Alpha J'], year: 2011 } })).body.doc
    const b = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Swap B ${stamp}`, authors: ['Beta K'], year: 2019 } })).body.doc
    const guide = await guideAt('published', { body: lexical('A claim.', [a.id]) })
    // Same words, same place, same reader number [1]: only the source behind the citation changed.
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { body: lexical('A claim.', [b.id]) } })).status).toBe(200)
    const wf = (await workflowOf(guide.id, 'reviewer')).body
    expect(wf.signOff.matches).toBe(false)
    const body = (wf.changesSinceSignOff ?? []).find((d: { section: string }) => d.section === 'Body')
    expect(body, JSON.stringify(wf.changesSinceSignOff)).toBeTruthy()
    type Part = { change: string; text: string }
    const side = (change: string) =>
      body.parts
        .filter((p: Part) => p.change === change)
        .map((p: Part) => p.text)
        .join('')
    expect(side('removed')).toContain('Alpha 2011')
    expect(side('added')).toContain('Beta 2019')
  })

  it("shows the reviewer what changed in a cited source's own details since the sign-off", async () => {
    const stamp = Date.now()
    const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Tendon load ${stamp}`, authors: ['Cook J'], year: 2009, container: 'BJSM' } })).body.doc
    const guide = await guideAt('approved', { body: lexical('A claim.', [src.id]) })
    expect((await rest('PATCH', `/api/sources/${src.id}`, { as: 'editor', body: { title: `Tendon overload ${stamp}`, year: 2010 } })).status).toBe(200)
    const wf = (await workflowOf(guide.id, 'reviewer')).body
    expect(wf.signOff.matches).toBe(false)
    // The guide's own text did not change: the only section is its Sources list, as readers read it.
    expect(wf.changesSinceSignOff.map((d: { section: string }) => d.section)).toEqual(['Sources'])
    type Part = { change: string; text: string }
    const side = (change: string) =>
      wf.changesSinceSignOff[0].parts
        .filter((p: Part) => p.change === change || p.change === 'same')
        .map((p: Part) => p.text)
        .join('')
    expect(side('removed')).toBe(`[1] Cook J. Tendon load ${stamp}. BJSM (2009).`)
    expect(side('added')).toBe(`[1] Cook J. Tendon overload ${stamp}. BJSM (2010).`)
  })

  it('shows the reviewer a readable diff of the text since the sign-off', async () => {
    const guide = await guideAt('published', { summary: 'The original summary.' })
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'The revised summary.' } })
    const wf = (await workflowOf(guide.id, 'reviewer')).body
    expect(wf.changesSinceSignOff).toEqual([
      {
        section: 'Summary',
        parts: [
          { text: 'The ', change: 'same' },
          { text: 'original', change: 'removed' },
          { text: 'revised', change: 'added' },
          { text: ' summary.', change: 'same' },
        ],
      },
    ])
  })
})

describe('scheduled publish', () => {
  it('publishes an approved guide at its time, checking the gate then', async () => {
    const guide = await guideAt('approved')
    const at = new Date(Date.now() + 3000).toISOString()
    const res = await act(guide.id, 'editor', 'schedule_publish', { at })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect((await workflowOf(guide.id)).body.scheduledPublish.at).toBe(at)
    const deadline = Date.now() + 30_000
    let wf = (await workflowOf(guide.id)).body
    while (wf.stage !== 'published' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500))
      wf = (await workflowOf(guide.id)).body
    }
    expect(wf.stage).toBe('published')
    expect(wf.history.at(-1)).toMatchObject({ action: 'publish', actor: { name: 'Demo Editor' } })
    expect((await act(guide.id, 'editor', 'schedule_publish', { at: '2001-01-01T00:00:00Z' })).status).toBe(409)
  })

  it('records and emails a scheduled publish the gate refuses; it is never silently skipped', async () => {
    const title = `Scheduled fail ${Date.now()}`
    const guide = await guideAt('approved', { title })
    expect((await act(guide.id, 'editor', 'schedule_publish', { at: new Date(Date.now() + 3000).toISOString() })).status).toBe(200)
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'Changed after the sign-off.' } })
    await waitForMail('editor@runsense.local', (m) => m.subject === `Scheduled publish failed: ${title}`, { timeoutMs: 30_000 })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('draft')
    expect(wf.live).toBe(false)
    // Said in words (the stage's label), not as the API's refusal of an action in a stage.
    expect(wf.scheduledPublish.error).toMatch(/failed: It is no longer signed off: it is now at "Draft", so it needs a new sign-off/)
  })

  it('publishes a scheduled update of a live guide with the change note given when it was scheduled', async () => {
    const guide = await guideAt('published')
    const { raphael } = await reviewerIds()
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'A summary reviewed again for its update.' } })
    await act(guide.id, 'editor2', 'submit')
    await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })
    expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(200)
    const at = new Date(Date.now() + 3000).toISOString()
    // The publish at that time will need the readers' change note: it is asked for now.
    const noNote = await act(guide.id, 'editor', 'schedule_publish', { at })
    expect(noNote.status).toBe(400)
    expect(noNote.body.missing).toEqual(['note'])
    const note = `Rewrote the summary ${Date.now()}.`
    expect((await act(guide.id, 'editor', 'schedule_publish', { at, note })).status).toBe(200)

    const deadline = Date.now() + 30_000
    let wf = (await workflowOf(guide.id)).body
    while (!(wf.stage === 'published' && wf.history.at(-1)?.action === 'publish') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500))
      wf = (await workflowOf(guide.id)).body
    }
    expect(wf.scheduledPublish?.error ?? null).toBeNull()
    expect(wf.stage).toBe('published')
    const live = (await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=0`)).body.docs[0]
    expect(live.summary).toBe('A summary reviewed again for its update.')
    expect(live.reviewHistory.at(-1)).toMatchObject({ kind: 'updated', note })
  })
})

describe('a signed-off guide whose cited source changed', () => {
  it('can be taken back to editorial review without an edit (its text did not change), and a matching one cannot', async () => {
    const src = (await rest('POST', '/api/sources', { as: 'editor', body: { title: `Re-review study ${Date.now()}`, authors: ['Doe J'], year: 2020 } })).body.doc
    const guide = await guideAt('approved', { body: lexical('A claim.', [src.id]) })
    expect((await act(guide.id, 'editor', 'start_review')).status).toBe(409)
    expect((await rest('PATCH', `/api/sources/${src.id}`, { as: 'editor2', body: { year: 2021 } })).status).toBe(200)
    const wf = (await workflowOf(guide.id)).body
    expect(wf.signOff.matches).toBe(false)
    expect(wf.actions).toContain('start_review')
    const res = await act(guide.id, 'editor', 'start_review')
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect((await workflowOf(guide.id)).body.stage).toBe('editorial_review')
  })
})

describe('editorial notes', () => {
  it('staff add notes to a guide and see them with it; readers never see them; nobody edits or deletes them', async () => {
    const guide = await guideAt('published')
    const text = `Check the dosage wording ${Date.now()}`
    const created = await rest('POST', '/api/editorial-notes', { as: 'reviewer2', body: { article: guide.id, body: text, author: 1 } })
    expect(created.status).toBe(201)
    const me = (await rest('GET', '/api/users/me', { as: 'reviewer2' })).body.user
    expect(created.body.doc.author.id ?? created.body.doc.author).toBe(me.id) // the author is the session, not what was sent

    const staffView = await rest('GET', `/api/articles/${guide.id}?depth=1&draft=true`, { as: 'editor' })
    expect(JSON.stringify(staffView.body.editorialNotes)).toContain(text)
    const readerView = await rest('GET', `/api/articles?where[id][equals]=${guide.id}&depth=1`)
    expect(readerView.body.docs).toHaveLength(1)
    expect(JSON.stringify(readerView.body)).not.toContain(text)
    expect((await rest('GET', '/api/editorial-notes')).status).toBe(403)
    expect((await rest('PATCH', `/api/editorial-notes/${created.body.doc.id}`, { as: 'admin', body: { body: 'x' } })).status).toBe(403)
    expect((await rest('DELETE', `/api/editorial-notes/${created.body.doc.id}`, { as: 'admin' })).status).toBe(403)
  })
})
