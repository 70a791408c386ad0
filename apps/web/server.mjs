// The site's HTTP server: Next's request handler behind node:http, so each request carries
// the socket's peer address (x-runsense-peer), which no client can forge. The signup route
// uses it for rate limits unless TRUST_PROXY says a reverse proxy's X-Forwarded-For is to be
// believed. Usage: node server.mjs [--dev] [-p PORT]
import fs from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'
import { notFoundHtmlFile, patchedHandler } from './next-server-patches.mjs'

const args = process.argv.slice(2)
const dev = args.includes('--dev')
const portArg = args.indexOf('-p')
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PORT || 3000)
const dir = path.dirname(fileURLToPath(import.meta.url))

const app = next({ dev, dir, port, hostname: 'localhost' })
const handle = app.getRequestHandler()
await app.prepare()

// The site's workarounds of Next internals (503 page, our 404 page, static pages' cache label,
// the request's cookies for draft-mode renders) are all in next-server-patches.mjs.
// pages/not-found.tsx as built (absent under --dev, where Next's own 404 page shows instead).
const notFoundHtml = dev ? undefined : fs.readFileSync(notFoundHtmlFile(dir), 'utf8')
const patched = patchedHandler(handle, { notFoundHtml })
const server = createServer((req, res) => {
  req.headers['x-runsense-peer'] = req.socket.remoteAddress ?? ''
  patched(req, res)
})
server.keepAliveTimeout = 65_000
server.listen(port, () => console.log(`▲ Runsense site ready on http://localhost:${port}${dev ? ' (dev)' : ''}`))

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
