// Row 5: the published-guides list from the CMS's REST API, with 100 guides published through the workflow first.
import { failures, measureLoad, ms, num, say } from './util.mjs'
import { guideData } from './cms.mjs'

const REST_TARGET_P50_MS = 15
export const REST_TARGET = `p50 ≤ ${REST_TARGET_P50_MS} ms`
// Exactly what the site asks for its lists (apps/web/src/lib/content.ts, listGuides): only the
// fields a list shows (select), no joins, the reviewer populated (depth 1).
export const REST_PATH =
  '/api/articles?where[_status][equals]=published&joins=false&depth=1&limit=10&page=1&sort=-lastReviewedAt' +
  ['title', 'slug', 'summary', 'lastReviewedAt', 'updatedAt', 'reviewer'].map((f) => `&select[${f}]=true`).join('')

export async function seedGuides({ cms, runId, count, concurrency = 10 }) {
  const reviewer = await cms.reviewerId()
  let next = 0
  let done = 0
  const errors = []
  const started = performance.now()
  const worker = async () => {
    while (next < count && errors.length < 5) {
      const i = next++
      try {
        await cms.createAndPublish(guideData({ slug: `bench-${runId}-${i}`, title: `Bench guide ${runId} number ${i}` }), reviewer)
        done++
        if (done % 25 === 0) say(`cms rest: ${done}/${count} guides published`)
      } catch (err) {
        errors.push(err.message)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (errors.length) throw new Error(`seeding guides failed after ${done}: ${errors[0]}`)
  return { count: done, seconds: (performance.now() - started) / 1000 }
}

export async function measureRest({ cms, cmsPort, runId, restGuides: count, duration, warmup }) {
  say(`cms rest: publishing ${count} guides through the API and the workflow (10 at a time)…`)
  const seeded = await seedGuides({ cms, runId, count })
  const check = await cms.rest('GET', REST_PATH)
  if (check.status !== 200) throw new Error(`GET ${REST_PATH} answered ${check.status}`)
  say(`cms rest: ${seeded.count} guides in ${seeded.seconds.toFixed(1)} s (${check.body.totalDocs} published in all); GET ${REST_PATH} (10 connections)…`)
  const s = await measureLoad({ url: `http://127.0.0.1:${cmsPort}${REST_PATH}`, connections: 10, duration, warmup, label: 'cms rest' })
  return {
    figure: `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, ${num(s.rps)} req/s${failures(s)}; ${check.body.totalDocs} published guides`,
    met: s.non2xx === 0 && s.errors === 0 && s.p50 <= REST_TARGET_P50_MS,
    data: { ...s, publishedGuides: check.body.totalDocs, seeded },
  }
}
