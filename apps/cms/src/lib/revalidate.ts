import { replicasCaughtUp } from './replicas'

/**
 * Tells the site which cache tags changed. Called only after the change has committed
 * (see afterCommit), so the site never re-renders from data another transaction hides.
 *
 * SITE_INTERNAL_URL may name several site instances (comma-separated): each is told. With the
 * shared cache (the site's REDIS_URL) one is enough for all, and the others repeat it harmlessly;
 * without it, each instance keeps its own cache and must hear of every change.
 */
export async function revalidateSite(tags: string[], log: { warn: (msg: string) => void } = console) {
  const sites = (process.env.SITE_INTERNAL_URL || process.env.SITE_URL || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const secret = process.env.REVALIDATE_SECRET
  if (!sites.length || !secret || tags.length === 0) return
  // With read replicas: not before they have the change the site is about to read (lib/replicas.ts).
  const tell = () => Promise.all(sites.map((site) => revalidateOne(site, secret, tags, log)))
  const ready = await replicasCaughtUp({ onLate: () => void tell() }).catch(() => true)
  if (!ready) log.warn(`A read replica lags: the site is told of ${tags.join(', ')} now and again once it has caught up.`)
  await tell()
}

async function revalidateOne(site: string, secret: string, tags: string[], log: { warn: (msg: string) => void }) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(`${site.replace(/\/$/, '')}/api/revalidate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ tags }),
        signal: AbortSignal.timeout(5000),
      })
      if (res.ok) return
      log.warn(`Revalidating the site at ${site} answered ${res.status} (attempt ${attempt}).`)
    } catch (err) {
      log.warn(`Revalidating the site at ${site} failed (attempt ${attempt}): ${(err as Error).message}`)
    }
    await new Promise((r) => setTimeout(r, 200 * attempt))
  }
}
