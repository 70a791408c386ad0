// Row 6: page weight of the guide page in Chromium; JS counted gzipped (bench/README.md says how).
import zlib from 'node:zlib'
import { CHROMIUM_ARGS, chromiumPath } from '../lib/chromium.mjs'
import { kb, rawGet, say } from './util.mjs'

const JS_TARGET_KB = 110
export const WEIGHT_TARGET = `JS ≤ ${JS_TARGET_KB} KB gzipped`

export async function measureWeight({ url }) {
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    const finished = []
    const failedRequests = []
    page.on('requestfinished', (req) => finished.push(req))
    page.on('requestfailed', (req) => failedRequests.push({ url: new URL(req.url()).pathname, type: req.resourceType(), error: req.failure()?.errorText }))
    say(`page weight: loading ${url} in Chromium…`)
    const res = await page.goto(url, { waitUntil: 'networkidle', timeout: 60_000 })
    if (!res || res.status() !== 200) throw new Error(`the guide page answered ${res?.status()}`)

    let total = 0
    const scripts = []
    for (const req of finished) {
      const sizes = await req.sizes().catch(() => null)
      if (!sizes) continue
      total += sizes.responseHeadersSize + sizes.responseBodySize
      const response = await req.response()
      const type = response?.headers()['content-type'] || ''
      if (response && response.status() >= 400) failedRequests.push({ url: new URL(req.url()).pathname, type: req.resourceType(), error: `HTTP ${response.status()}` })
      else if (req.resourceType() === 'script' || /javascript/.test(type)) scripts.push({ url: req.url(), transferred: sizes.responseBodySize })
    }

    const files = []
    for (const s of scripts) {
      const r = await rawGet(s.url, { 'accept-encoding': 'gzip' })
      if (r.status !== 200) throw new Error(`${new URL(s.url).pathname} answered ${r.status} when requested again`)
      const encoding = r.headers['content-encoding']
      const [gzipBytes, how] =
        encoding === 'gzip'
          ? [r.body.length, 'served gzipped by the site']
          : encoding
            ? [s.transferred, `as transferred (${encoding})`]
            : [zlib.gzipSync(r.body, { level: 9 }).length, 'sent uncompressed, gzipped here at level 9']
      files.push({ url: new URL(s.url).pathname, gzipBytes, rawBytes: encoding ? null : r.body.length, how })
    }
    const jsGzip = files.reduce((sum, f) => sum + f.gzipBytes, 0)
    const counts = files.reduce((m, f) => m.set(f.how, (m.get(f.how) ?? 0) + 1), new Map())
    const method = [...counts].map(([m, n]) => `${n} ${m}`).join(', ') || 'no scripts'
    // A page whose own assets fail (e.g. the build changed under the running site) has no
    // meaningful weight: say so rather than report a small number.
    const broken = failedRequests.filter((f) => f.url.startsWith('/_next/static/')).map((f) => `${f.url}: ${f.error}`)
    if (broken.length) throw new Error(`${broken.length} of the page's assets failed to load (${broken.slice(0, 3).join('; ')}); was the build replaced while the site ran?`)
    return {
      figure: `JS ${kb(jsGzip)} gzipped (${scripts.length} files: ${method}); total ${kb(total)} transferred (${finished.length} requests)`,
      met: jsGzip <= JS_TARGET_KB * 1024,
      data: { jsGzipBytes: jsGzip, jsMethod: method, totalTransferredBytes: total, requests: finished.length, failedRequests, scripts: files },
    }
  } finally {
    await browser.close().catch(() => {})
  }
}
