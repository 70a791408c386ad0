import http from 'node:http'
import type { PayloadRequest, TaskConfig } from 'payload'
import { sql } from '@payloadcms/db-postgres'
import { MAX_TAGS_PER_REVALIDATION, frontPathsForTags } from '@runsense/domain/cache-tags'
import { afterCommit, executeNow } from './db'
import { envList } from './env'
import { replicasCaughtUp } from './replicas'

type Log = { warn: (msg: string) => void }

/**
 * Where the site is told: SITE_INTERNAL_URL may name several site instances (comma-separated),
 * and each is told. With the shared cache (the site's REDIS_URL) one is enough for all, and the
 * others repeat it harmlessly; without it, each instance keeps its own cache and must hear of
 * every change.
 */
const siteTargets = () => {
  const secret = process.env.REVALIDATE_SECRET
  const sites = (process.env.SITE_INTERNAL_URL ? envList('SITE_INTERNAL_URL') : envList('SITE_URL')).map((s) => s.replace(/\/$/, ''))
  return secret && sites.length ? { sites, secret } : null
}

/** Tells every site instance which cache tags changed: true when every one confirmed. */
export async function revalidateSite(tags: string[], log: Log = console, attempts = 3): Promise<boolean> {
  const target = siteTargets()
  if (!target || tags.length === 0) return true
  const tell = async () => (await Promise.all(target.sites.map((site) => revalidateOne(site, target.secret, tags, log, attempts)))).every(Boolean)
  // With read replicas: not before they have the change the site is about to read (lib/replicas.ts).
  const ready = await replicasCaughtUp({ onLate: () => void tell() }).catch(() => true)
  if (!ready) log.warn(`A read replica lags: the site is told of ${tags.join(', ')} now and again once it has caught up.`)
  const told = await tell()
  if (told) {
    // Twice: a refresh the front began by itself just before the change (its micro-cache entry
    // expired) can finish after ours and store the old page for another second.
    const paths = frontPathsForTags(tags)
    void refreshFronts(paths, log)
    setTimeout(() => void refreshFronts(paths, log), FRONT_REFRESH_AGAIN_MS).unref()
  }
  return told
}

/** Longer than the site takes to render a page, so a front refresh begun before the change has ended. */
const FRONT_REFRESH_AGAIN_MS = 500

/**
 * FRONT_REFRESH_URLS (comma-separated): the caching fronts' refresh ports (deploy/nginx/cache.conf).
 * Once the site has the change, each front fetches the pages it names again, under the public
 * host readers use (SITE_URL), so its cached copy is the new page at once. Best effort, never
 * retried: a page missed here is refreshed by the front's own micro-cache within a second.
 */
async function refreshFronts(paths: string[], log: Log) {
  const fronts = envList('FRONT_REFRESH_URLS')
  if (!fronts.length || !paths.length) return
  const host = new URL(process.env.SITE_URL || 'http://localhost').host
  // The front keeps one copy per page for gzip clients and one for the rest (deploy/nginx/cache.conf).
  const requests = fronts.flatMap((front) => paths.flatMap((p) => ['gzip', ''].map((encoding) => ({ url: new URL(p, front), encoding }))))
  const failed = (await Promise.all(requests.map(({ url, encoding }) => refreshOne(url, host, encoding)))).filter((f): f is string => !!f)
  if (failed.length) log.warn(`Refreshing the front failed for ${[...new Set(failed)].join(', ')}; its micro-cache catches up within a second.`)
}

/** One GET on a front's refresh port: undefined when done, else what went wrong. */
function refreshOne(url: URL, host: string, encoding: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    // node:http, not fetch: fetch does not let a request name its Host.
    const req = http.get(url, { headers: { host, 'accept-encoding': encoding }, timeout: 5000 }, (res) => {
      const status = res.statusCode ?? 500
      res.resume().on('end', () => resolve(status >= 500 ? `${url} (${status})` : undefined))
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (err) => resolve(`${url} (${err.message})`))
  })
}

async function revalidateOne(site: string, secret: string, tags: string[], log: Log, attempts: number): Promise<boolean> {
  // The site takes at most MAX_TAGS_PER_REVALIDATION a call (a review-cadence tick may name more).
  for (let i = 0; i < tags.length; i += MAX_TAGS_PER_REVALIDATION) {
    if (!(await revalidateCall(site, secret, tags.slice(i, i + MAX_TAGS_PER_REVALIDATION), log, attempts))) return false
  }
  return true
}

async function revalidateCall(site: string, secret: string, tags: string[], log: Log, attempts: number): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(`${site}/api/revalidate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ tags }),
        signal: AbortSignal.timeout(5000),
      })
      if (res.ok) return true
      log.warn(`Revalidating the site at ${site} answered ${res.status} (attempt ${attempt}).`)
      // A refusal of the request itself (4xx: its secret or its shape) is not cured by asking again now.
      if (res.status >= 400 && res.status < 500) return false
    } catch (err) {
      log.warn(`Revalidating the site at ${site} failed (attempt ${attempt}): ${(err as Error).message}`)
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, 200 * attempt))
  }
  return false
}

/** How long the queued copy waits before it runs: the direct call after commit normally makes it unneeded. */
const BACKSTOP_DELAY_MS = 5000

/**
 * Tells the site which cache tags a change expires, durably: the one way every CMS write
 * revalidates pages (hooks, workflow actions, jobs).
 *
 * The site caches pages until told otherwise, so a lost revalidation would leave a stale page
 * up for good. The request is therefore queued as a job inside the change's own transaction
 * (it exists exactly when the change commits), and sent directly once the change has committed
 * (the fast path: the page is fresh within the request). When every site instance confirmed,
 * the queued copy is withdrawn; when a call failed, or the process died between commit and
 * call, the job runs a few seconds later and is retried with backoff until they confirm.
 */
export async function revalidateAfterCommit(req: PayloadRequest, tags: string[]) {
  if (!siteTargets() || tags.length === 0) return
  const job = await req.payload.jobs.queue({ task: 'revalidateSite', input: { tags }, waitUntil: new Date(Date.now() + BACKSTOP_DELAY_MS), req })
  await afterCommit(req, async () => {
    if (!(await revalidateSite(tags, req.payload.logger))) return
    // Not yet taken by a worker: withdraw it. (If one already took it, it repeats harmlessly.)
    await executeNow(req.payload, sql`delete from payload_jobs where id = ${Number(job.id)} and not processing`)
  })
}

export const revalidateSiteTask: TaskConfig<'revalidateSite'> = {
  slug: 'revalidateSite',
  label: 'Tell the site which pages changed',
  // About an hour of retries in all (1 s, 2 s, 4 s, … 34 min); then the desk shows it as failed.
  retries: { attempts: 12, backoff: { type: 'exponential', delay: 1000 } },
  inputSchema: [{ name: 'tags', type: 'json', required: true }],
  handler: async ({ input, req }) => {
    const tags = (input.tags as unknown[]).filter((t): t is string => typeof t === 'string')
    if (!(await revalidateSite(tags, req.payload.logger, 1))) throw new Error('The site did not confirm the revalidation; it will be retried.')
    return { output: { tags: tags.length } }
  },
}
