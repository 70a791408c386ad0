// Row 3, publish-to-live: publish POST answered → the site shows the new title (bench/README.md).
import { guideData } from './cms.mjs'
import { latencies, ms, say, untilShown } from './util.mjs'

export const PUBLISH_TARGET_P95_MS = 1000

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
  // A timeout counts as "more than 10 s" in the percentiles.
  const { p50, p95, data } = latencies(samples)
  return {
    figure: `p50 ${ms(p50)}, p95 ${ms(p95)} (n=${samples.length}${data.timeouts ? `, ${data.timeouts} timed out after 10 s` : ''})`,
    met: p95 <= PUBLISH_TARGET_P95_MS,
    data: { ...data, slug },
  }
}
