// Rows 1 and 2: a page's throughput and latency from the site's own server, beside nginx serving
// the same bytes from disk (the reference) and beside the production nginx micro-cache in front of
// the site. Targets: throughput ≥ 0.6 × nginx-from-disk, p99 ≤ 25 ms.
import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { startNginx } from './nginx.mjs'
import { measureLoad, ms, num, rawGet, say } from './util.mjs'

export const PAGE_TARGET = { ratio: 0.6, p99: 25 }
const TARGET_TEXT = `≥ ${PAGE_TARGET.ratio}× nginx req/s, p99 ≤ ${PAGE_TARGET.p99} ms`

const fmtRatio = (r) => r.toFixed(r < 0.1 ? 3 : 2)
const loadText = (s) => `${num(s.rps)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${s.non2xx || s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : ''}`

/**
 * pages: [{ key, name, path }]. Returns rows (three per available page) and a cleanup.
 * cfg: { sitePort, staticPort, cachePort, duration, warmup, connections, register }
 */
export async function measurePages(pages, cfg) {
  const rows = []
  const fetched = []
  for (const page of pages) {
    say(`${page.name}: fetching ${page.path} once from the site…`)
    try {
      const res = await rawGet(`http://127.0.0.1:${cfg.sitePort}${page.path}`)
      if (res.status === 404) {
        rows.push({ id: `${page.key}`, row: `${page.name} (${page.path})`, figure: 'not available (404)', target: TARGET_TEXT, met: null, data: { status: 404 } })
        continue
      }
      if (res.status !== 200) throw new Error(`GET ${page.path} answered ${res.status}`)
      fetched.push({ ...page, body: res.body, contentType: String(res.headers['content-type'] || 'text/html; charset=utf-8'), file: `page-${fetched.length + 1}.bin` })
    } catch (err) {
      rows.push({ id: `${page.key}`, row: `${page.name} (${page.path})`, figure: 'error', target: TARGET_TEXT, met: false, error: err.message })
    }
  }
  if (!fetched.length) return rows

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runsense-bench-nginx-'))
  cfg.register?.(async () => fs.rmSync(tmp, { recursive: true, force: true }))
  let nginx = null
  try {
    say(`starting nginx (static copy on :${cfg.staticPort}, proxy_cache in front of the site on :${cfg.cachePort})…`)
    nginx = await startNginx({ tmp, staticPort: cfg.staticPort, cachePort: cfg.cachePort, sitePort: cfg.sitePort, pages: fetched })
    cfg.register?.(nginx.stop)
  } catch (err) {
    say(`nginx: ${err.message}`)
  }

  try {
    return await measureEach(fetched, rows, nginx, cfg)
  } finally {
    await nginx?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

async function measureEach(fetched, rows, nginx, cfg) {
  const common = { connections: cfg.connections, duration: cfg.duration, warmup: cfg.warmup }
  for (const page of fetched) {
    const base = `${page.name}`
    let site = null
    let ref = null
    let cached = null
    let cacheStatus = null
    try {
      say(`${base}: site directly (${cfg.warmup} s warm-up + ${cfg.duration} s, ${cfg.connections} connections)…`)
      site = await measureLoad({ url: `http://127.0.0.1:${cfg.sitePort}${page.path}`, label: `${base}: site`, ...common })
    } catch (err) {
      rows.push({ id: `${page.key}.site`, row: `${base} · site direct`, figure: 'error', target: TARGET_TEXT, met: false, error: err.message })
    }
    if (nginx) {
      try {
        const check = await rawGet(`http://127.0.0.1:${cfg.staticPort}${page.path}`)
        if (check.status !== 200 || check.body.length !== page.body.length) throw new Error(`nginx static answered ${check.status} with ${check.body.length} bytes`)
        say(`${base}: nginx serving the same ${page.body.length} bytes from disk…`)
        ref = await measureLoad({ url: `http://127.0.0.1:${cfg.staticPort}${page.path}`, label: `${base}: nginx static`, ...common })
      } catch (err) {
        rows.push({ id: `${page.key}.nginx`, row: `${base} · nginx static (reference)`, figure: 'error', target: 'reference', met: null, error: err.message })
      }
      try {
        say(`${base}: through the nginx proxy_cache (deploy/nginx/cache.conf)…`)
        cached = await measureLoad({ url: `http://127.0.0.1:${cfg.cachePort}${page.path}`, label: `${base}: nginx cache`, ...common })
        const probe = await rawGet(`http://127.0.0.1:${cfg.cachePort}${page.path}`)
        cacheStatus = probe.headers['x-cache-status'] || null
      } catch (err) {
        rows.push({ id: `${page.key}.cache`, row: `${base} · via nginx proxy_cache`, figure: 'error', target: TARGET_TEXT, met: false, error: err.message })
      }
    } else {
      rows.push({
        id: `${page.key}.nginx`,
        row: `${base} · nginx static (reference)`,
        figure: 'not run (nginx unavailable)',
        target: 'reference',
        met: null,
        error: 'nginx did not start',
      })
    }

    const verdict = (s) => {
      const ratio = ref?.rps ? s.rps / ref.rps : null
      const latencyOk = s.non2xx === 0 && s.errors === 0 && s.p99 <= PAGE_TARGET.p99
      return { ratio, met: !latencyOk ? false : ratio === null ? null : ratio >= PAGE_TARGET.ratio }
    }
    if (site) {
      const v = verdict(site)
      rows.push({
        id: `${page.key}.site`,
        row: `${base} · site direct`,
        figure: `${loadText(site)}${v.ratio !== null ? `; ratio site/nginx ${fmtRatio(v.ratio)}` : ''}`,
        target: TARGET_TEXT,
        met: v.met,
        data: { ...site, ratioToNginx: v.ratio, bytes: page.body.length },
      })
    }
    if (ref)
      rows.push({
        id: `${page.key}.nginx`,
        row: `${base} · nginx static (reference)`,
        figure: loadText(ref),
        target: 'reference',
        met: null,
        data: { ...ref, bytes: page.body.length },
      })
    if (cached) {
      const v = verdict(cached)
      rows.push({
        id: `${page.key}.cache`,
        row: `${base} · via nginx proxy_cache`,
        figure: `${loadText(cached)}${v.ratio !== null ? `; ratio cache/nginx ${fmtRatio(v.ratio)}` : ''}${cacheStatus ? `; X-Cache-Status ${cacheStatus}` : ''}`,
        target: TARGET_TEXT,
        met: v.met,
        data: { ...cached, ratioToNginx: v.ratio, cacheStatus },
      })
    }
    const meets = [site && verdict(site).met && 'site direct', cached && verdict(cached).met && 'nginx proxy_cache'].filter(Boolean)
    say(`${base}: target met by ${meets.length ? meets.join(' and ') : 'neither setup'}`)
    rows.push({
      id: `${page.key}.verdict`,
      row: `${base} · setup meeting the target`,
      figure: meets.length ? meets.join(' and ') : 'neither (site direct nor nginx proxy_cache)',
      target: TARGET_TEXT,
      met: meets.length > 0,
      data: { meetsTargetWith: meets },
    })
  }
  return rows
}
