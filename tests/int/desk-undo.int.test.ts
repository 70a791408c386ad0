import { describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { act, createGuide, guideAt, lexical, rest, workflowOf } from '../helpers/api'
import { eventually } from '../helpers/poll'

const working = async (id: number) => (await rest('GET', `/api/articles/${id}?draft=true&depth=0`, { as: 'editor' })).body

describe('discarding changes: back to the signed text, publishable again without a new review', () => {
  it('discard_changes on a signed-off, unpublished guide brings back the signed text and the guide is publishable', async () => {
    const guide = await guideAt('approved')
    const signedTitle = guide.title
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { title: 'A title nobody signed' } })).status).toBe(200)
    let wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('draft')
    expect(wf.actions).toContain('discard_changes')
    expect(wf.actions).not.toContain('publish')
    // Not for reviewers; and a publish is refused until the text is back.
    expect((await act(guide.id, 'reviewer', 'discard_changes')).status).toBe(403)
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(409)

    const discarded = await act(guide.id, 'editor2', 'discard_changes')
    expect(discarded.status, JSON.stringify(discarded.body)).toBe(200)
    expect(discarded.body).toEqual({ stage: 'approved', from: 'draft' })
    expect((await working(guide.id)).title).toBe(signedTitle)
    wf = (await workflowOf(guide.id)).body
    expect(wf.signOff.matches).toBe(true)
    expect(wf.actions).not.toContain('discard_changes')
    expect(wf.history.at(-1)).toMatchObject({ action: 'discard_changes', from: 'draft', to: 'approved', actor: { name: expect.any(String) }, contentHash: wf.signOff.hash })
    // Nothing more to discard: the action no longer applies.
    expect((await act(guide.id, 'editor', 'discard_changes')).status).toBe(409)
    const published = await act(guide.id, 'editor', 'publish')
    expect(published.status, JSON.stringify(published.body)).toBe(200)
  })

  it('on a live guide, discarding goes back to published: readers never saw the edit and nothing is re-published', async () => {
    const guide = await guideAt('published')
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { summary: 'An unreviewed summary.' } })
    expect((await workflowOf(guide.id)).body.stage).toBe('draft')
    const res = await act(guide.id, 'admin', 'discard_changes')
    expect(res.body).toEqual({ stage: 'published', from: 'draft' })
    expect((await working(guide.id)).summary).toBe('A guide created by a test.')
    const wf = (await workflowOf(guide.id)).body
    expect(wf.live).toBe(true)
    expect(wf.actions).not.toContain('publish')
    // The public review history gained no entry: nothing was re-published.
    const [row] = await sql('select review_history from articles where id = $1', [guide.id])
    expect(row.review_history).toHaveLength(1)
  })

  it('an edit that types the signed text back exactly makes the sign-off hold again (audited), without a new cycle', async () => {
    const guide = await guideAt('approved')
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { title: `${guide.title} (typo)` } })
    expect((await workflowOf(guide.id)).body.stage).toBe('draft')
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { title: guide.title } })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.stage).toBe('approved')
    expect(wf.signOff.matches).toBe(true)
    expect(wf.history.slice(-2).map((h: { action: string }) => h.action)).toEqual(['sign_off_voided', 'signed_text_restored'])
    expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
  })

  it('refuses to bring back a signed text whose cited source changed since the sign-off, and changes nothing', async () => {
    const src = await rest('POST', '/api/sources', { as: 'editor', body: { title: 'Load and injury', authors: ['Gabbett TJ'], year: 2016 } })
    const guide = await guideAt('approved', { body: lexical('Claim.', [src.body.doc.id]) })
    await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor', body: { title: 'Changed' } })
    await rest('PATCH', `/api/sources/${src.body.doc.id}`, { as: 'editor', body: { year: 2017 } })
    const res = await act(guide.id, 'editor', 'discard_changes')
    expect(res.status).toBe(409)
    expect(res.body.error).toMatch(/source it cites changed/)
    expect((await working(guide.id)).title).toBe('Changed')
  })
})

describe('the source picker', () => {
  it('finds a source by author, title word, year, DOI or PMID, and names it by author and year', async () => {
    const n = Date.now()
    const pmid = String(n).slice(-8)
    const doc = (
      await rest('POST', '/api/sources', {
        as: 'editor',
        body: { authors: [`Zyzzyva${n} TJ`, 'Other A'], title: `Paradox ${n} of training`, year: 2016, doi: `10.1136/bjsports-${n}`, pmid },
      })
    ).body.doc
    expect(doc.label).toBe(`Zyzzyva${n} 2016 — Paradox ${n} of training (Zyzzyva${n} TJ, Other A · 2016 · doi 10.1136/bjsports-${n} · PMID ${pmid})`)
    // What the admin's relationship picker asks: a `like` on the collection's title field (useAsTitle).
    for (const q of [`Zyzzyva${n}`, `Paradox ${n}`, `bjsports-${n}`, pmid, `${n} 2016`.replace(`${n} `, `Zyzzyva${n} `)]) {
      const found = await rest('GET', `/api/sources?where[label][like]=${encodeURIComponent(q)}&depth=0`, { as: 'editor' })
      expect(
        found.body.docs.map((d: { id: number }) => d.id),
        q,
      ).toContain(doc.id)
    }
    // A label sent by a client is ignored: it always follows the source.
    const patched = await rest('PATCH', `/api/sources/${doc.id}`, { as: 'editor', body: { label: 'spoofed', year: 2017 } })
    expect(patched.body.doc.label).toMatch(new RegExp(`^Zyzzyva${n} 2017 — `))
  })
})

describe('"Create new" leaves no empty guide behind', () => {
  it('removes untitled, never-used drafts after the grace period, and keeps everything else', async () => {
    const empty = (await rest('POST', '/api/articles?draft=true', { as: 'editor', body: {} })).body.doc
    const fresh = (await rest('POST', '/api/articles?draft=true', { as: 'editor', body: {} })).body.doc
    const titled = await createGuide('editor')
    // Untitled, but someone wrote in it: kept.
    const written = (await rest('POST', '/api/articles?draft=true', { as: 'editor', body: { body: lexical('Notes for a guide to come.') } })).body.doc
    expect(empty?.id, 'an empty draft can be created, as autosave does').toBeTypeOf('number')
    const old = [empty.id, titled.id, written.id]
    await sql(`update articles set created_at = now() - interval '2 hours', updated_at = now() - interval '2 hours' where id = any($1)`, [old])
    const left = await eventually(
      async () => (await sql('select id from articles where id = any($1)', [[...old, fresh.id]])).map((r) => r.id),
      (ids) => !ids.includes(empty.id),
      90_000,
    )
    expect(left).not.toContain(empty.id)
    expect(left).toEqual(expect.arrayContaining([fresh.id, titled.id, written.id]))
  }, 120_000)
})
