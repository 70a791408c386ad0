// The CMS's HTTP server: Next's request handler behind node:http, so each request carries the
// socket's peer address (x-runsense-peer), which no client can forge (any header of that name a
// client sends is overwritten). Staff sign-in throttling uses it unless TRUST_PROXY says a reverse
// proxy's X-Forwarded-For is to be believed (`next start` alone would keep a client's own header).
// Anonymous reads of published content are answered from memory while nothing they show has
// changed (read-cache.mjs).
// Usage: node server.mjs [--dev] [-p PORT]
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'
import { readCacheFromEnv } from './read-cache.mjs'

const args = process.argv.slice(2)
const dev = args.includes('--dev')
const portArg = args.indexOf('-p')
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PORT || 3001)
const dir = path.dirname(fileURLToPath(import.meta.url))

const app = next({ dev, dir, port, hostname: 'localhost' })
const handle = app.getRequestHandler()
await app.prepare()

const readCache = dev ? null : readCacheFromEnv()

const server = createServer((req, res) => {
  req.headers['x-runsense-peer'] = req.socket.remoteAddress ?? ''
  if (readCache) void readCache.handle(req, res, () => handle(req, res))
  else handle(req, res)
})
server.keepAliveTimeout = 65_000
server.listen(port, () => console.log(`▲ Runsense CMS ready on http://localhost:${port}${dev ? ' (dev)' : ''}`))

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
