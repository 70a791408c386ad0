// The site's HTTP server: Next's request handler behind node:http, so each request carries
// the socket's peer address (x-runsense-peer), which no client can forge. The signup route
// uses it for rate limits unless TRUST_PROXY says a reverse proxy's X-Forwarded-For is to be
// believed. Usage: node server.mjs [--dev] [-p PORT]
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'

const args = process.argv.slice(2)
const dev = args.includes('--dev')
const portArg = args.indexOf('-p')
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PORT || 3000)
const dir = path.dirname(fileURLToPath(import.meta.url))

const app = next({ dev, dir, port, hostname: 'localhost' })
const handle = app.getRequestHandler()
await app.prepare()

// A page that could not be rendered (almost always: the CMS is unreachable and the page is not
// cached yet) gets an honest 503 with Retry-After and a readable page that needs no JavaScript,
// instead of Next's empty 500 shell. API routes keep their own answers.
const UNAVAILABLE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unavailable for a moment · Runsense</title><style>body{font:1.1rem/1.6 Georgia,serif;max-width:40rem;margin:3rem auto;padding:0 1.25rem;color:#1f2328;background:#fbfaf7}@media(prefers-color-scheme:dark){body{color:#e6e3dd;background:#16181b}a{color:#8cc2ff}}</style></head><body><main><h1>This page is unavailable for a moment</h1><p>We couldn&rsquo;t load this page just now. Please try again in a minute.</p><p><a href="/">Back to the guides</a></p></main></body></html>`

function serveUnavailableOnPageErrors(req, res) {
  if (req.method !== 'GET' || req.url.startsWith('/api/') || req.url.startsWith('/_next/')) return
  const { writeHead, write, end } = res
  // Decided at the first byte: a 500 becomes the 503 page; anything else passes untouched.
  let failed = null
  const decide = () => (failed ??= res.statusCode === 500 && !res.headersSent)
  res.writeHead = function (status, ...rest) {
    if (status === 500) {
      res.statusCode = 500
      return res
    }
    return writeHead.call(res, status, ...rest)
  }
  res.write = function (...args) {
    return decide() ? true : write.apply(res, args)
  }
  res.end = function (...args) {
    if (!decide()) return end.apply(res, args)
    for (const h of res.getHeaderNames()) res.removeHeader(h)
    writeHead.call(res, 503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '30', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(UNAVAILABLE) })
    return end.call(res, UNAVAILABLE)
  }
}

const server = createServer((req, res) => {
  req.headers['x-runsense-peer'] = req.socket.remoteAddress ?? ''
  serveUnavailableOnPageErrors(req, res)
  handle(req, res)
})
server.keepAliveTimeout = 65_000
server.listen(port, () => console.log(`▲ Runsense site ready on http://localhost:${port}${dev ? ' (dev)' : ''}`))

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
