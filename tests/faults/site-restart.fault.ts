/**
 * The site restarts after the content changed without it hearing (the CMS's revalidation call
 * failed, or came while the site was down). A restarted site must show what the CMS has now,
 * never a page it cached before: its cache lives in memory (apps/web/cache-handler.mjs). Next's
 * file-system cache kept pages on disk but forgot revalidations on restart, so it failed this.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultStack, GUIDE, h1Of, request, siteUrl } from './helpers'

const slug = GUIDE.split('/').pop()!

describe('the site restarts after a change it did not hear about', () => {
  let s: FaultStack
  beforeAll(async () => {
    s = await FaultStack.start('site_restart')
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('shows the current guide, not the copy it cached before the restart', async () => {
    for (const path of [GUIDE, '/']) expect((await request(`${siteUrl}${path}`)).status, path).toBe(200)
    const cached = await request(`${siteUrl}${GUIDE}`)
    expect(cached.headers?.get('x-nextjs-cache'), 'the guide is served from the site cache').toBe('HIT')
    const before = h1Of(cached.text)
    expect(before).toBeTruthy()

    await s.stopWeb()
    // Changed behind the site's back: no revalidation reaches it.
    const title = `Changed while the site was down ${Date.now()}`
    const changed = await s.query('update articles set title = $1 where slug = $2 returning id', [title, slug])
    expect(changed).toHaveLength(1)
    await s.startWeb()

    const after = await request(`${siteUrl}${GUIDE}`)
    expect(after.status).toBe(200)
    expect(h1Of(after.text)).toBe(title)
    expect((await request(`${siteUrl}/`)).text).toContain(title)
  })
})
