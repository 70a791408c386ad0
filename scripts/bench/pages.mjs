// Rows 1 and 2: a page from the site, from nginx serving its bytes from disk (the reference) and through the nginx micro-cache (bench/README.md).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { frontConf, startNginx } from '../lib/nginx.mjs'
import { root } from '../lib/stack.mjs'
import { failures, measureLoad, ms, num, rawGet, say } from './util.mjs'

const PAGE_TARGET = { ratio: 0.6, p99: 25 }
export const TARGET_TEXT = `≥ ${PAGE_TARGET.ratio}× nginx req/s, p99 ≤ ${PAGE_TARGET.p99} ms`

const loadText = (s) => `${num(s.rps)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${failures(s)}`

/**
 * The bench's nginx, in `dir`: a static server on `staticPort` with each page's bytes, from disk
 * (bench/nginx/static.conf; pages: [{ path, file, body, contentType }]), and the production
 * micro-cache (deploy/nginx/cache.conf) on `cachePort` in front of the bench's one site.
 */
function startBenchNginx({ dir, staticPort, cachePort, sitePort, pages }) {
  fs.mkdirSync(path.join(dir, 'www'))
  // rewrite … break, not alias: alias on a path ending in "/" would look for an index file.
  const locations = pages.map((p) => {
    fs.writeFileSync(path.join(dir, 'www', p.file), p.body, { mode: 0o644 })
    return `    location = ${p.path} {\n        default_type "${p.contentType.replace(/"/g, '')}";\n        rewrite ^ /${p.file} break;\n    }`
  })
  const vars = { TMP: dir, STATIC_PORT: String(staticPort), LOCATIONS: locations.join('\n') }
  const staticConf = fs.readFileSync(path.join(root, 'bench/nginx/static.conf'), 'utf8').replace(/\{\{(\w+)\}\}/g, (m, k) => vars[k] ?? m)
  // Nobody refreshes pages here (the bench's CMS has no FRONT_REFRESH_URLS): no refresh port.
  const cacheConf = frontConf({ dir, port: cachePort, sites: [sitePort] })
  const files = { 'static.conf': staticConf, 'cache.conf': cacheConf }
  return startNginx({ name: 'bench-nginx', dir, files, readyUrl: `http://127.0.0.1:${staticPort}/__ready`, workers: 'auto', install: true, say })
}

/** pages: [{ n, name, path }]. Returns rows (three per available page and a verdict). cfg: { sitePort, staticPort, cachePort, duration, warmup, connections, register } */
export async function measurePages(pages, cfg) {
  const rows = []
  const fetched = []
  for (const page of pages) {
    say(`${page.name}: fetching ${page.path} once from the site…`)
    const row = { n: page.n, row: `${page.name} (${page.path})`, target: TARGET_TEXT }
    try {
      const res = await rawGet(`http://127.0.0.1:${cfg.sitePort}${page.path}`)
      if (res.status === 404) rows.push({ ...row, figure: 'not available (404)', met: null, data: { status: 404 } })
      else if (res.status !== 200) throw new Error(`GET ${page.path} answered ${res.status}`)
      else fetched.push({ ...page, body: res.body, contentType: String(res.headers['content-type'] || 'text/html; charset=utf-8'), file: `page-${fetched.length + 1}.bin` })
    } catch (err) {
      rows.push({ ...row, figure: 'error', met: false, error: err.message })
    }
  }
  if (!fetched.length) return rows

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runsense-bench-nginx-'))
  cfg.register(async () => fs.rmSync(dir, { recursive: true, force: true }))
  let nginx = null
  try {
    say(`starting nginx (static copy on :${cfg.staticPort}, proxy_cache in front of the site on :${cfg.cachePort})…`)
    nginx = await startBenchNginx({ dir, ...cfg, pages: fetched })
    cfg.register(nginx.stop)
  } catch (err) {
    say(`nginx: ${err.message}`)
  }
  try {
    for (const page of fetched) rows.push(...(await measurePage(page, nginx, cfg)))
    return rows
  } finally {
    await nginx?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** One page: the site directly, nginx static (the reference) and nginx proxy_cache, and which setup meets the target. */
async function measurePage(page, nginx, cfg) {
  const setups = { site: ['site direct', cfg.sitePort], nginx: ['nginx static (reference)', cfg.staticPort], cache: ['via nginx proxy_cache', cfg.cachePort] }
  const rows = []
  const loads = {}
  for (const [kind, [setup, port]] of Object.entries(setups)) {
    const row = { n: page.n, row: `${page.name} · ${setup}`, target: kind === 'nginx' ? 'reference' : TARGET_TEXT }
    if (kind !== 'site' && !nginx) {
      if (kind === 'nginx') rows.push({ ...row, figure: 'not run (nginx unavailable)', met: null, error: 'nginx did not start' })
      continue
    }
    try {
      const url = `http://127.0.0.1:${port}${page.path}`
      if (kind === 'nginx') {
        const check = await rawGet(url)
        if (check.status !== 200 || check.body.length !== page.body.length) throw new Error(`nginx static answered ${check.status} with ${check.body.length} bytes`)
      }
      say(`${page.name}: ${setup}, ${page.body.length} bytes (${cfg.warmup} s warm-up + ${cfg.duration} s, ${cfg.connections} connections)…`)
      const s = await measureLoad({ url, label: `${page.name}: ${kind}`, connections: cfg.connections, duration: cfg.duration, warmup: cfg.warmup })
      const cacheStatus = kind === 'cache' ? { cacheStatus: (await rawGet(url).catch(() => null))?.headers['x-cache-status'] || null } : {}
      loads[kind] = { row, data: { ...s, bytes: page.body.length, ...cacheStatus } }
    } catch (err) {
      rows.push({ ...row, figure: 'error', met: kind === 'nginx' ? null : false, error: err.message })
    }
  }
  const meets = []
  for (const [kind, { row, data: s }] of Object.entries(loads)) {
    if (kind === 'nginx') {
      rows.push({ ...row, figure: loadText(s), met: null, data: s })
      continue
    }
    const ratio = loads.nginx?.data.rps ? s.rps / loads.nginx.data.rps : null
    const met = s.non2xx || s.errors || s.p99 > PAGE_TARGET.p99 ? false : ratio === null ? null : ratio >= PAGE_TARGET.ratio
    if (met) meets.push(setups[kind][0].replace('via ', ''))
    const ratioText = ratio === null ? '' : `; ratio ${kind}/nginx ${ratio.toFixed(ratio < 0.1 ? 3 : 2)}`
    rows.push({ ...row, figure: `${loadText(s)}${ratioText}${s.cacheStatus ? `; X-Cache-Status ${s.cacheStatus}` : ''}`, met, data: { ...s, ratioToNginx: ratio } })
  }
  say(`${page.name}: target met by ${meets.length ? meets.join(' and ') : 'neither setup'}`)
  const figure = meets.length ? meets.join(' and ') : 'neither (site direct nor nginx proxy_cache)'
  return [...rows, { n: page.n, row: `${page.name} · setup meeting the target`, figure, target: TARGET_TEXT, met: meets.length > 0, data: { meetsTargetWith: meets } }]
}
