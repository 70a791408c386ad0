// Rows 3 and 13: how long until the site shows a change (bench/README.md): a republished guide's
// new title (publish-to-live); a reviewer's new role on every page that shows it (freshness).
import { guideData } from './cms.mjs'
import { latencies, ms, say, untilShown } from './util.mjs'

export const LIVE_TARGET_P95_MS = 1000
export const LIVE_TARGET = `p95 ≤ ${LIVE_TARGET_P95_MS} ms`

/** The row of a list of samples: p50, p95 (a timeout counts as more than 10 s), against the target. */
function liveRow(samples, shown, extra = {}) {
  const { p50, p95, data } = latencies(samples)
  const timeouts = data.timeouts ? `, ${data.timeouts} timed out after 10 s` : ''
  return { figure: `p50 ${ms(p50)}, p95 ${ms(p95)}${shown} (n=${samples.length}${timeouts})`, met: p95 <= LIVE_TARGET_P95_MS, data: { ...data, ...extra } }
}

export async function measurePublishToLive({ cms, sitePort, runId, publishRuns: runs }) {
  const reviewer = await cms.reviewerId()
  const slug = `bench-live-${runId}`
  const url = `http://127.0.0.1:${sitePort}/guides/${slug}`
  const titleOf = (i) => `Bench live guide ${runId} edition ${String(i).padStart(3, '0')} end`

  say(`publish-to-live: first publish of /guides/${slug}…`)
  const first = await cms.createAndPublish(guideData({ slug, title: titleOf(0) }), reviewer)
  const samples = [await untilShown(url, titleOf(0), first.publishedAt)]
  for (let i = 1; i <= runs; i++) {
    const { publishedAt } = await cms.editAndRepublish(first.id, titleOf(i), reviewer)
    samples.push(await untilShown(url, titleOf(i), publishedAt))
    if (i % 5 === 0 || i === runs) say(`publish-to-live: ${i}/${runs} republishes done (last: ${samples.slice(-5).map(ms).join(', ')})`)
  }
  return liveRow(samples, '', { slug })
}

const FRESH_PAGES = [
  '/guides/returning-to-running-after-an-injury',
  '/',
  '/guides',
  '/reviewers/raphael-crawford-marks',
  '/guides/returning-to-running-after-an-injury/review.json',
]

export async function measureFreshness({ cms, sitePort, runId, publishRuns: runs }) {
  const urls = FRESH_PAGES.map((p) => `http://127.0.0.1:${sitePort}${p}`)
  const id = await cms.reviewerId()
  const original = (await cms.must(200, 'GET', `/api/reviewers/${id}?depth=0`, { as: 'admin' })).role
  const samples = []
  try {
    for (let i = 1; i <= runs; i++) {
      // Every page rendered and cached before the change.
      for (const url of urls) await fetch(url).then((r) => r.text())
      const role = `Founder ${runId} v${i}`
      await cms.must(200, 'PATCH', `/api/reviewers/${id}`, { as: 'admin', body: { role } })
      samples.push(await untilShown(urls, role, performance.now()))
      if (i % 5 === 0) say(`freshness: ${i}/${runs} (last ${ms(samples.at(-1))})`)
    }
  } finally {
    await cms.must(200, 'PATCH', `/api/reviewers/${id}`, { as: 'admin', body: { role: original } })
  }
  return liveRow(samples, ` until all ${FRESH_PAGES.length} pages show it`)
}
