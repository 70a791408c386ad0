/**
 * The production topology, running (scripts/test-topology.mjs starts it from docker-compose.yml's
 * settings): nginx in front of two site instances sharing Redis, the CMS API without jobs, two job
 * workers, a Postgres primary with a streaming replica.
 *
 * - publish / update / unpublish through the workflow reach BOTH instances and the front (polled;
 *   how fast is measured by `npm run bench`, not asserted here);
 * - CMS reads go to the replica (shown by pausing its replay), while workflow actions read their
 *   own writes on the primary, and the site is not left with a page read from a lagging replica;
 * - one site instance killed: the front keeps answering;
 * - the worker running a job killed mid-job: the other worker finishes it; many jobs on two
 *   workers: none is claimed by both.
 */
import Redis from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, cmsUrl, guideAt, rest, reviewerIds } from '../helpers/api'
import { allMail } from '../helpers/mail'
import { freshAddress, signup } from '../helpers/newsletter'
import { eventually } from '../helpers/poll'

const env = (name: string) => {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run these tests with npm run test:topology`)
  return v
}
const front = env('SITE_URL')
const sites = [env('SITE_1_URL'), env('SITE_2_URL')]
const everywhere = [...sites, front]

const primary = new pg.Client({ connectionString: env('DATABASE_URL') })
const replica = new pg.Client({ connectionString: env('DATABASE_REPLICA_URL') })
beforeAll(async () => {
  await primary.connect()
  await replica.connect()
})
afterAll(async () => {
  await replica.query('select pg_wal_replay_resume()').catch(() => {})
  await primary.end()
  await replica.end()
})

const page = async (base: string, path: string) => {
  const res = await fetch(`${base}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(15_000) }).catch(() => null)
  return { status: res?.status ?? 0, html: res ? await res.text() : '' }
}
/** Polls every address until each satisfies `ok`; returns the last reads. */
const onAll = async (path: string, ok: (p: { status: number; html: string }) => boolean, bases = everywhere, timeoutMs = 20_000) => {
  const reads = await eventually(
    () => Promise.all(bases.map((b) => page(b, path))),
    (ps) => ps.every(ok),
    timeoutMs,
  )
  return Object.fromEntries(bases.map((b, i) => [b, reads[i].status === 200 && ok(reads[i]) ? 'ok' : `${reads[i].status}`]))
}
const allOk = (bases = everywhere) => Object.fromEntries(bases.map((b) => [b, 'ok']))

describe('several site instances behind the cache', () => {
  it('publish, update and unpublish through the workflow reach both instances and the front', async () => {
    const guide = await guideAt('approved', { title: `Topology guide ${Date.now()}` })
    const path = `/guides/${guide.slug}`
    // Not yet public: both instances (and the front) answer 404, and have rendered the page.
    expect(await onAll(path, (p) => p.status === 404)).toEqual(Object.fromEntries(everywhere.map((b) => [b, '404'])))

    expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
    expect(await onAll(path, (p) => p.status === 200 && p.html.includes(guide.title))).toEqual(allOk())

    // Both instances keep the page in the one shared cache: a single entry for its address, and
    // the guide's tag revalidation time that every instance reads.
    const redis = new Redis(env('TOPOLOGY_REDIS_URL'))
    try {
      const entries = (await redis.keys('runsense:*:e:*')).filter((k) => k.endsWith(`/guides/${guide.slug}`))
      expect(entries).toHaveLength(1)
      expect(Number(await redis.hget('runsense:tags', `guide:${guide.slug}`))).toBeGreaterThan(0)
    } finally {
      redis.disconnect()
    }

    // An update, signed off again: the new text on both (each had the old page cached).
    const summary = `A summary rewritten at ${Date.now()}.`
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary } })).status).toBe(200)
    const { raphael } = await reviewerIds()
    expect((await act(guide.id, 'editor2', 'submit')).status).toBe(200)
    expect((await act(guide.id, 'editor', 'send_to_medical_review', { reviewer: raphael })).status).toBe(200)
    expect((await act(guide.id, 'reviewer', 'sign_off')).status).toBe(200)
    expect(await onAll(path, (p) => p.html.includes(guide.title))).toEqual(allOk())
    expect((await act(guide.id, 'editor', 'publish', { note: 'Rewrote the summary.' })).status).toBe(200)
    expect(await onAll(path, (p) => p.status === 200 && p.html.includes(summary))).toEqual(allOk())

    expect((await act(guide.id, 'editor', 'unpublish')).status).toBe(200)
    expect(await onAll(path, (p) => p.status === 404)).toEqual(Object.fromEntries(everywhere.map((b) => [b, '404'])))
  })

  it('CMS reads come from the replica; a workflow action still reads its own writes, and the site waits for the replica', async () => {
    const guide = await guideAt('approved', { title: `Replica guide ${Date.now()}` })
    const path = `/guides/${guide.slug}`
    // Anonymous, but with a cookie so the CMS's read cache (apps/cms/read-cache.mjs) is not used:
    // this shows where Payload itself reads from.
    const publicRead = async () => {
      const res = await fetch(`${cmsUrl()}/api/articles?where[id][equals]=${guide.id}&depth=0`, { headers: { cookie: 'runsense-test=uncached' } })
      return ((await res.json()) as { docs?: unknown[] }).docs?.length ?? -1
    }

    await replica.query('select pg_wal_replay_pause()')
    try {
      expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
      const [{ published }] = (await primary.query(`select _status = 'published' as published from articles where id = $1`, [guide.id])).rows
      expect(published).toBe(true)
      // Right after its write the CMS reads the primary; then the replica, which has not replayed
      // the publication: the public list does not show it yet.
      expect(await eventually(publicRead, (n) => n === 0, 15_000)).toBe(0)
      // Meanwhile the site was not told to render from the stale replica… and the workflow reads
      // the primary: unpublishing the guide the replica calls unpublished works.
      const un = await act(guide.id, 'editor', 'unpublish')
      expect(un.status, JSON.stringify(un.body)).toBe(200)
      expect(un.body.stage).toBe('approved')
      expect((await act(guide.id, 'editor', 'publish')).status).toBe(200)
    } finally {
      await replica.query('select pg_wal_replay_resume()')
    }
    expect(await eventually(publicRead, (n) => n === 1, 15_000)).toBe(1)
    expect(await onAll(path, (p) => p.status === 200 && p.html.includes(guide.title))).toEqual(allOk())
  })

  it('one site instance killed: the front keeps answering', async () => {
    const guide = await guideAt('published', { title: `Survivor guide ${Date.now()}` })
    const path = `/guides/${guide.slug}`
    expect(await onAll(path, (p) => p.html.includes(guide.title))).toEqual(allOk())
    process.kill(Number(env('SITE_2_PID')), 'SIGKILL')
    await eventually(
      () => page(sites[1], '/'),
      (p) => p.status === 0,
    )
    // Every request through the front is answered, none fails, pages and their updates alike.
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) statuses.push((await page(front, i % 2 ? path : `/?n=${i}`)).status)
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect((await act(guide.id, 'editor', 'unpublish')).status).toBe(200)
    expect(await onAll(path, (p) => p.status === 404, [sites[0], front])).toEqual({ [sites[0]]: '404', [front]: '404' })
  })
})

describe('job workers', () => {
  const healthUrls = env('WORKER_HEALTH_URLS').split(',')
  const pids = env('WORKER_PIDS').split(',').map(Number)
  const mailPid = Number(env('MAIL_PID'))

  it('many jobs on two workers: each runs once, none is claimed by both', async () => {
    const addresses = Array.from({ length: 30 }, () => freshAddress('topology'))
    for (const email of addresses) expect((await signup({ email })).status).toBe(202)
    const mails = await eventually(allMail, (all) => addresses.every((a) => all.some((m) => m.to.some((t) => t.address === a))), 60_000)
    for (const a of addresses)
      expect(
        mails.filter((m) => m.to.some((t) => t.address === a)),
        a,
      ).toHaveLength(1)
    // Each email's delivery record was claimed once: no second worker ever ran the same job.
    const { rows } = await primary.query(`select recipient, attempts from email_deliveries where recipient = any($1)`, [addresses])
    expect(rows).toHaveLength(addresses.length)
    expect(rows.filter((r) => r.attempts !== 1)).toEqual([])
  })

  it('the worker running a job is killed mid-job: the other worker finishes it', async () => {
    // Freeze the mail server: the SMTP connection is accepted by the kernel, the greeting never comes.
    process.kill(mailPid, 'SIGSTOP')
    let killed: number
    const email = freshAddress('midjob')
    try {
      expect((await signup({ email })).status).toBe(202)
      const running = await eventually(
        () =>
          Promise.all(
            healthUrls.map((u) =>
              fetch(u)
                .then((r) => r.json() as Promise<{ running: number }>)
                .catch(() => ({ running: 0 })),
            ),
          ),
        (hs) => hs.some((h) => h.running > 0),
        20_000,
      )
      killed = running.findIndex((h) => h.running > 0)
      expect(killed).toBeGreaterThanOrEqual(0)
      process.kill(pids[killed], 'SIGKILL')
    } finally {
      process.kill(mailPid, 'SIGCONT')
    }
    // The job's lease passes (3 s here), the surviving worker takes it up and the email leaves.
    const mails = await eventually(allMail, (all) => all.some((m) => m.to.some((t) => t.address === email)), 60_000)
    expect(mails.filter((m) => m.to.some((t) => t.address === email))).toHaveLength(1)
    const other = await fetch(healthUrls[1 - killed]).then((r) => r.status)
    expect(other).toBe(200)
  })
})
