/**
 * Tells the site which cache tags changed. Called only after the change has committed
 * (see afterCommit), so the site never re-renders from data another transaction hides.
 */
export async function revalidateSite(tags: string[], log: { warn: (msg: string) => void } = console) {
  const site = process.env.SITE_INTERNAL_URL || process.env.SITE_URL
  const secret = process.env.REVALIDATE_SECRET
  if (!site || !secret || tags.length === 0) return
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(`${site.replace(/\/$/, '')}/api/revalidate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ tags }),
        signal: AbortSignal.timeout(5000),
      })
      if (res.ok) return
      log.warn(`Revalidating the site answered ${res.status} (attempt ${attempt}).`)
    } catch (err) {
      log.warn(`Revalidating the site failed (attempt ${attempt}): ${(err as Error).message}`)
    }
    await new Promise((r) => setTimeout(r, 200 * attempt))
  }
}
