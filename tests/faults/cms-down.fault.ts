/**
 * The CMS process stops while the site serves. Published pages the site has cached keep being
 * served; signups answer 503 with a sentence; nothing is half-written; the CMS comes back.
 * Then the CMS freezes (SIGSTOP: its port accepts, nothing answers): pages the site has not
 * cached answer the readable 503 within 1.5 s (CMS_READ_TIMEOUT_MS), cached ones keep answering,
 * and a signup that may have been stored is told to check the inbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultStack, GUIDE, cmsUrl, freshIp, jobEmailTo, h1Of, isSentence, request, signup, siteUrl, sleep, titleOf, until } from './helpers'

describe('CMS down while the site serves', () => {
  let s: FaultStack
  const tag = `cmsdown${Date.now().toString(36)}`
  const attempted: string[] = []
  const warm: Record<string, { title: string | null; h1: string | null }> = {}
  let subscribersBefore = 0

  beforeAll(async () => {
    s = await FaultStack.start('cms_down')
    // The site has heard of every change so far: the seed's revalidations are queued when the CMS
    // starts, before the site is up, and retried with backoff. One arriving after the pages are
    // cached would expire them, and with the CMS down they could not be rendered again.
    await until(
      'no revalidation of the site pending',
      async () => (await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs where task_slug = 'revalidateSite'`))[0].n === 0,
      {
        timeoutMs: 60_000,
      },
    )
    // A page rendered within RACE_WINDOW_MS (2 s, apps/web/cache-redis.mjs) of a revalidation of its
    // tags is not trusted and is rendered again on its next request: let that window pass.
    await sleep(2500)
    // Readers have visited these pages: the site has rendered and cached them.
    for (const path of [GUIDE, '/']) {
      for (let i = 0; i < 2; i++) {
        const res = await request(`${siteUrl}${path}`)
        expect(res.status, `${path} while the CMS is up`).toBe(200)
        warm[path] = { title: titleOf(res.text), h1: h1Of(res.text) }
      }
      expect(warm[path].title).toBeTruthy()
    }
    // Something that was written before the outage, so the count is not trivially zero.
    expect((await signup(`${tag}-before@example.com`)).status).toBe(202)
    subscribersBefore = (await s.query<{ n: number }>('select count(*)::int as n from subscribers'))[0].n
    await s.stopCms()
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('keeps serving published pages from its cache, unchanged', async () => {
    for (let round = 0; round < 3; round++) {
      for (const path of [GUIDE, '/']) {
        const res = await request(`${siteUrl}${path}`)
        expect(res.status, `${path} with the CMS down${res.error ? ` (${res.error})` : ''}`).toBe(200)
        expect({ title: titleOf(res.text), h1: h1Of(res.text) }).toEqual(warm[path])
      }
    }
  })

  it('answers a page it has not cached yet with a plain "unavailable" page and a 503, not a 500 or a hang', async () => {
    // lib/content.ts: "The CMS could not be reached…; pages turn this into a 503, not a crash."
    const res = await request(`${siteUrl}/reviewers/raphael-crawford-marks`)
    expect(res.error, 'an answer within 15 s').toBeUndefined()
    // In the server-rendered HTML (readers without JavaScript, crawlers), not only after hydration.
    expect({ status: res.status, saysUnavailable: res.text.includes('unavailable for a moment') }).toEqual({ status: 503, saysUnavailable: true })
  })

  it('answers signups with 503 and a sentence, as JSON and as the plain form', async () => {
    for (let i = 0; i < 3; i++) {
      const email = `${tag}-during-${i}@example.com`
      attempted.push(email)
      const res = await signup(email)
      expect(res.status, res.error ?? res.text.slice(0, 200)).toBe(503)
      expect(res.json).toEqual({ error: expect.any(String) })
      expect(isSentence(res.json.error), res.json.error).toBe(true)
    }
    const email = `${tag}-form@example.com`
    attempted.push(email)
    const form = await request(`${siteUrl}/api/newsletter`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'x-forwarded-for': freshIp() },
      body: `email=${encodeURIComponent(email)}&source=home`,
    })
    expect(form.status).toBe(303)
    // The form comes back with our sentence beside it: the address carries only its code, so a
    // crafted link cannot put words of its own on the page.
    const location = new URL(form.headers!.get('location')!, siteUrl)
    const code = location.searchParams.get('error')
    expect(code).toBe('unavailable')
    const back = await request(location.toString())
    expect(back.status).toBe(200)
    const sentence = back.text.replace(/&#x27;|&#39;|&rsquo;/g, "'").match(/role="alert"[^>]*>([^<]+)</)?.[1]
    expect(isSentence(sentence ?? null), String(sentence)).toBe(true)
    expect(sentence).toMatch(/unavailable/i)
  })

  it('answers the unsubscribe button with a 503 page that says nothing changed and offers the button again', async () => {
    const action = `${siteUrl}/newsletter/unsubscribe?token=some-reader-token`
    const page = await request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect({ status: page.status, type: page.headers?.get('content-type'), retryAfter: page.headers?.get('retry-after') }).toEqual({
      status: 503,
      type: expect.stringContaining('text/html'),
      retryAfter: '60',
    })
    const alert = page.text.replace(/&#x27;|&#39;|&rsquo;/g, "'").match(/role="alert"[^>]*>([^<]+)</)?.[1] ?? ''
    expect(alert).toMatch(/unavailable for a moment.*still subscribed/)
    expect(page.text).toContain(`action="/newsletter/unsubscribe?token=some-reader-token"`)
    // A mail client's one-click POST asking for JSON gets JSON.
    const json = await request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect({ status: json.status, error: json.json?.error }).toEqual({ status: 503, error: expect.stringMatching(/^Unsubscribing is unavailable/) })
  })

  it('writes nothing while the CMS is away, and the CMS comes back', async () => {
    await s.startCms()
    await until('CMS /api/health answers 200', async () => (await request(`${cmsUrl}/api/health`, {}, 5_000)).status === 200, { timeoutMs: 30_000 })
    const after = (await s.query<{ n: number }>('select count(*)::int as n from subscribers'))[0].n
    expect(after, 'subscriber count unchanged by the signups made while the CMS was down').toBe(subscribersBefore)
    const rows = await s.query<{ email: string }>('select email from subscribers where email = any($1)', [attempted])
    expect(rows).toEqual([])
    const jobs = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs j where ${jobEmailTo('= any($1)')}`, [attempted])
    expect(jobs[0].n, 'no email queued for them').toBe(0)
    // And signups work again.
    expect((await signup(`${tag}-after@example.com`)).status).toBe(202)
    expect((await request(`${siteUrl}${GUIDE}`)).status).toBe(200)
  })

  it('a frozen CMS: uncached pages answer the 503 within 1.5 s, cached ones keep answering, a signup is told to check the inbox', async () => {
    const email = `${tag}-frozen@example.com`
    s.freezeCms()
    let signupAnswer: Awaited<ReturnType<typeof signup>>
    try {
      // Pages no reader has asked for since the CMS came back: nothing cached for them.
      for (const path of ['/reviewers/raphael-crawford-marks', '/topics/injury-and-comebacks', '/reviewers/demo-reviewer']) {
        const res = await request(`${siteUrl}${path}`, {}, 20_000)
        const ms = res.endedAt - res.startedAt
        console.log(`${path} with the CMS frozen: ${res.status || res.error} in ${ms} ms`)
        expect({ path, status: res.status, saysUnavailable: res.text.includes('unavailable for a moment') }).toEqual({ path, status: 503, saysUnavailable: true })
        expect(ms, `${path} answered within 1.5 s`).toBeLessThanOrEqual(1500)
      }
      for (const path of [GUIDE, '/']) {
        const res = await request(`${siteUrl}${path}`, {}, 5_000)
        expect(res.status, `${path} (cached) with the CMS frozen`).toBe(200)
        expect(res.endedAt - res.startedAt).toBeLessThanOrEqual(1500)
      }
      // The signup reaches the frozen CMS and waits; the site gives up on it before the CMS answers.
      signupAnswer = await signup(email, { timeoutMs: 30_000 })
    } finally {
      s.thawCms()
    }
    expect(signupAnswer.status, signupAnswer.error ?? signupAnswer.text).toBe(503)
    expect(isSentence(signupAnswer.json?.error), signupAnswer.json?.error).toBe(true)
    expect(signupAnswer.json.error, 'it may have been stored: the answer says to check the inbox').toMatch(/check your inbox/i)
    // And indeed: the thawed CMS finishes the request it was holding.
    const stored = await until('the signup held by the frozen CMS to be stored', async () => (await s.query('select 1 from subscribers where email = $1', [email])).length > 0, {
      timeoutMs: 20_000,
    })
    expect(stored).toBe(true)
  })
})
