/**
 * A change commits, and the CMS's call that tells the site about it never arrives: the site was
 * unreachable from the CMS, and then the CMS was SIGKILLed before it could try again. The site
 * caches pages until it is told, so without a durable record of that call the page would stay
 * stale for good. The revalidation is queued as a job inside the change's own transaction
 * (apps/cms/src/lib/revalidate.ts): the restarted CMS delivers it, and the page becomes fresh.
 *
 * The CMS reaches the site through a small switchable proxy here (SITE_INTERNAL_URL), so the
 * site keeps serving readers while the CMS cannot reach it.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultStack, GUIDE, cmsUrl, config, request, siteUrl, until } from './helpers'

const REVIEWER = 'raphael-crawford-marks'

/** Forwards to the site while open; while closed, drops every connection it is given. */
function switchableProxy(targetPort: number) {
  const state = { open: true, refused: 0, delivered: 0 }
  const server = http.createServer((req, res) => {
    if (!state.open) {
      state.refused++
      req.socket.destroy()
      return
    }
    if (req.url === '/api/revalidate') state.delivered++
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  return {
    state,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function adminHeaders() {
  const login = await fetch(`${cmsUrl}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@runsense.local', password: process.env.SEED_PASSWORD || 'runsense-demo-2026' }),
  })
  const { token } = (await login.json()) as { token: string }
  return { authorization: `JWT ${token}`, 'content-type': 'application/json' }
}

describe('a revalidation the CMS could not deliver before it died', () => {
  let s: FaultStack
  const proxy = switchableProxy(config.sitePort)
  beforeAll(async () => {
    const port = await proxy.listen()
    s = await FaultStack.start('revalidation_outbox', { SITE_INTERNAL_URL: `http://127.0.0.1:${port}` })
  })
  afterAll(async () => {
    await s?.stop()
    await proxy.close()
  })

  it('is delivered by the restarted CMS: the guide page shows the change', async () => {
    // The guide is cached by the site, with its reviewer's current role in the byline.
    await request(`${siteUrl}${GUIDE}`)
    const cached = await request(`${siteUrl}${GUIDE}`)
    expect(cached.headers?.get('x-nextjs-cache')).toBe('HIT')

    const auth = await adminHeaders()
    const found = (await (await fetch(`${cmsUrl}/api/reviewers?where[slug][equals]=${REVIEWER}&depth=0`, { headers: auth })).json()) as { docs: { id: number; role: string }[] }
    const reviewer = found.docs[0]
    expect(reviewer, 'the seed reviewer').toBeTruthy()
    expect(cached.text).toContain(reviewer.role)

    // The CMS cannot reach the site; the change commits anyway.
    proxy.state.open = false
    const role = `Founder and coach ${Date.now()}`
    const changed = await fetch(`${cmsUrl}/api/reviewers/${reviewer.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ role }) })
    expect(changed.status).toBe(200)
    // The direct call after commit tried and gave up (three attempts), then the CMS dies.
    await until('the CMS to give up its direct revalidation call', async () => proxy.state.refused >= 3, { timeoutMs: 20_000 })
    await s.killCms()

    // The site was never told: readers still get the old byline.
    const stale = await request(`${siteUrl}${GUIDE}`)
    expect(stale.text).not.toContain(role)
    const [queued] = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs where task_slug = 'revalidateSite'`)
    expect(queued.n, 'the revalidation is recorded with the change').toBeGreaterThan(0)

    // The site is reachable again and the CMS comes back: it delivers what it owed.
    proxy.state.open = true
    await s.startCms()
    await until('the guide to show the new role', async () => (await request(`${siteUrl}${GUIDE}`)).text.includes(role), { timeoutMs: 60_000 })
    await until('the queued revalidation to be done', async () => {
      const [left] = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs where task_slug = 'revalidateSite'`)
      return left.n === 0
    })
  })

  it('a delivered revalidation leaves no job behind', async () => {
    const [before] = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs where task_slug = 'revalidateSite'`)
    expect(before.n).toBe(0)
    const auth = await adminHeaders()
    const found = (await (await fetch(`${cmsUrl}/api/reviewers?where[slug][equals]=${REVIEWER}&depth=0`, { headers: auth })).json()) as { docs: { id: number }[] }
    const role = `Founder, coach ${Date.now()}`
    const deliveredBefore = proxy.state.delivered
    expect((await fetch(`${cmsUrl}/api/reviewers/${found.docs[0].id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ role }) })).status).toBe(200)
    await until('the guide to show the new role', async () => (await request(`${siteUrl}${GUIDE}`)).text.includes(role))
    await until('the queued copy to be withdrawn', async () => {
      const [left] = await s.query<{ n: number }>(`select count(*)::int as n from payload_jobs where task_slug = 'revalidateSite'`)
      return left.n === 0
    })
    // Past the queued copy's start time: had it not been withdrawn, it would have run by now.
    await new Promise((r) => setTimeout(r, 7_000))
    expect(proxy.state.delivered - deliveredBefore, 'one call to the site for one change').toBe(1)
  })
})
