// Row 3: publish-to-live. A seed-like guide goes through the real review workflow and is
// published, then edited (new title) and republished again and again; each time we measure from
// the moment the publish POST returned 200 until the site's /guides/<slug> shows the new title.
import { ms, percentile, say, sleep } from './util.mjs'

export const PUBLISH_TARGET_P95_MS = 1000

async function waitForTitle(url, title, startedAt, { intervalMs = 20, timeoutMs = 10_000 } = {}) {
  let polls = 0
  for (;;) {
    polls++
    try {
      const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) })
      const html = await res.text()
      if (res.status === 200 && html.includes(title)) return { ms: performance.now() - startedAt, polls }
    } catch {}
    if (performance.now() - startedAt > timeoutMs) return { ms: null, polls }
    await sleep(intervalMs)
  }
}

export async function measurePublishToLive({ cms, sitePort, runId, runs }) {
  const reviewer = await cms.reviewerId('raphael-crawford-marks')
  const slug = `bench-live-${runId}`
  const url = `http://127.0.0.1:${sitePort}/guides/${slug}`
  const titleOf = (i) => `Bench live guide ${runId} edition ${String(i).padStart(3, '0')} end`
  const samples = []
  const { guideData } = await import('./cms.mjs')

  say(`publish-to-live: first publish of /guides/${slug}…`)
  const first = await cms.createAndPublish(guideData({ slug, title: titleOf(0) }), reviewer)
  samples.push({ kind: 'first publish', ...(await waitForTitle(url, titleOf(0), first.publishedAt)) })
  for (let i = 1; i <= runs; i++) {
    const { publishedAt } = await cms.editAndRepublish(first.id, titleOf(i), reviewer)
    samples.push({ kind: 'republish', ...(await waitForTitle(url, titleOf(i), publishedAt)) })
    if (i % 5 === 0 || i === runs) {
      const last = samples.slice(-5).map((s) => (s.ms === null ? 'timeout' : ms(s.ms)))
      say(`publish-to-live: ${i}/${runs} republishes done (last: ${last.join(', ')})`)
    }
  }
  const timeouts = samples.filter((s) => s.ms === null).length
  // A timeout counts as "more than 10 s" in the percentiles.
  const values = samples.map((s) => (s.ms === null ? Infinity : s.ms))
  const p50 = percentile(values, 50)
  const p95 = percentile(values, 95)
  const show = (v) => (v === Infinity ? '> 10 s' : ms(v))
  return {
    figure: `p50 ${show(p50)}, p95 ${show(p95)} (n=${samples.length}${timeouts ? `, ${timeouts} timed out after 10 s` : ''})`,
    target: `p95 ≤ ${PUBLISH_TARGET_P95_MS} ms`,
    met: p95 !== null && p95 <= PUBLISH_TARGET_P95_MS,
    data: {
      n: samples.length,
      p50: p50 === Infinity ? null : p50,
      p95: p95 === Infinity ? null : p95,
      max: Math.max(...values) === Infinity ? null : Math.max(...values),
      timeouts,
      samplesMs: samples.map((s) => (s.ms === null ? null : Math.round(s.ms * 10) / 10)),
      slug,
    },
  }
}
