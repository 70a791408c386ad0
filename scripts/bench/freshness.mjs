// Row 13, freshness: the seed reviewer's role changed → every page that shows it fresh (bench/README.md).
import { latencies, ms, say, untilShown } from './util.mjs'

export const FRESHNESS_TARGET_P95_MS = 1000

const PAGES = ['/guides/returning-to-running-after-an-injury', '/', '/guides', '/reviewers/raphael-crawford-marks', '/guides/returning-to-running-after-an-injury/review.json']

export async function measureFreshness({ cms, sitePort, runId, publishRuns: runs }) {
  const urls = PAGES.map((p) => `http://127.0.0.1:${sitePort}${p}`)
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
  const { p50, p95, data } = latencies(samples)
  return {
    figure: `p50 ${ms(p50)}, p95 ${ms(p95)} until all ${PAGES.length} pages show it (n=${samples.length})`,
    met: p95 <= FRESHNESS_TARGET_P95_MS,
    data,
  }
}
