// Rows 10–12, on the production topology (scripts/lib/topology.mjs); bench/README.md says what each measures.
import { startTopology } from '../lib/topology.mjs'
import { cmsClient, guideData } from './cms.mjs'
import { LIVE_TARGET, LIVE_TARGET_P95_MS } from './live.mjs'
import { failures, latencies, measureLoad, ms, num, percentile, say, untilShown } from './util.mjs'

export const TOPOLOGY_TARGET = `publish → live ${LIVE_TARGET} on both instances and through the front`

export async function measureTopology({ publishRuns: runs, duration, warmup, register }) {
  say('topology: starting nginx, two site instances on Redis, the CMS API, a worker, Postgres primary + replica…')
  let unregister = () => {}
  const topo = await startTopology({
    log: say,
    workers: 1,
    portsPrefix: 'BENCH_TOPOLOGY',
    overrides: { cms: { SIGNUP_LIMIT_PER_IP: '100000000' } },
    onStop: (stop) => (unregister = register(stop)),
  })
  try {
    const cms = cmsClient(topo.urls.cms)
    const reviewer = await cms.reviewerId()
    const slug = `bench-topology-${Date.now().toString(36)}`
    const titleOf = (i) => `Topology guide edition ${String(i).padStart(3, '0')} end`
    const seen = (i, publishedAt) => Promise.all([topo.urls.site1, topo.urls.site2, topo.urls.front].map((base) => untilShown(`${base}/guides/${slug}`, titleOf(i), publishedAt)))
    const both = []
    const viaFront = []
    const first = await cms.createAndPublish(guideData({ slug, title: titleOf(0) }), reviewer)
    await seen(0, first.publishedAt)
    for (let i = 1; i <= runs; i++) {
      const [a, b, f] = await seen(i, (await cms.editAndRepublish(first.id, titleOf(i), reviewer)).publishedAt)
      both.push(Math.max(a, b))
      viaFront.push(f)
    }
    const [onBoth, onFront] = [latencies(both), latencies(viaFront)]
    const rows = [
      {
        n: 10,
        row: 'topology: publish → live on both site instances (and through the front)',
        figure: `both instances p50 ${ms(onBoth.p50)}, p95 ${ms(onBoth.p95)}; through the front (1 s micro-cache, refreshed by the CMS) p50 ${ms(onFront.p50)}, p95 ${ms(onFront.p95)} (n=${both.length})`,
        target: TOPOLOGY_TARGET,
        met: onBoth.p95 <= LIVE_TARGET_P95_MS && onFront.p95 <= LIVE_TARGET_P95_MS,
        data: { bothMs: both, frontMs: viaFront },
      },
    ]

    const guide = '/guides/returning-to-running-after-an-injury'
    const loads = {}
    for (const [name, base] of Object.entries({ front: topo.urls.front, 'site 1': topo.urls.site1, 'site 2': topo.urls.site2 })) {
      say(`topology: ${guide} through ${name}…`)
      loads[name] = await measureLoad({ url: `${base.replace('localhost', '127.0.0.1')}${guide}`, connections: 50, duration, warmup, label: `topology ${name}` })
    }
    rows.push({
      n: 11,
      row: 'topology: guide page through the front and each instance (50 connections)',
      figure: Object.entries(loads)
        .map(([k, s]) => `${k} ${num(s.rps)} req/s p99 ${ms(s.p99)}${failures(s)}`)
        .join('; '),
      target: 'reported (no target)',
      data: loads,
    })

    // The admin's list as an editor's browser asks for it (server-rendered page, signed in).
    const token = await cms.login('editor')
    const times = []
    for (let i = 0; i < 12; i++) {
      const t = performance.now()
      const res = await fetch(`${topo.urls.cms}/admin/collections/articles`, { headers: { cookie: `payload-token=${token}` } })
      await res.text()
      if (res.status !== 200) throw new Error(`/admin/collections/articles answered ${res.status}`)
      if (i >= 2) times.push(performance.now() - t)
    }
    rows.push({
      n: 12,
      row: "admin: the editor's article list (/admin/collections/articles, server render)",
      figure: `p50 ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))} (n=${times.length}, sequential)`,
      target: 'reported (no target)',
      data: { ms: times },
    })
    return rows
  } finally {
    await topo.stop()
    unregister()
  }
}
