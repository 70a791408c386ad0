// How both apps serve Next (apps/cms/server.mjs, apps/web/server.mjs): Next's request handler
// behind node:http, so each request carries the socket's peer address (x-runsense-peer), which no
// client can forge: any header of that name a client sends is overwritten. Rate limits and sign-in
// throttling use it unless TRUST_PROXY says a reverse proxy's X-Forwarded-For is to be believed
// (`next start` alone would keep a client's own header).
// Usage of an app's server: node server.mjs [--dev] [-p PORT]
import { createServer } from 'node:http'

/**
 * Starts the app in `dir` with the app's own `next` (its dependency, not ours), on the command
 * line's port. `wrap(handle, { dev, dir })` may put the app's own handling around Next's handler;
 * it returns the function that serves a request. Resolves the listening server.
 */
export async function serveNext({ next, dir, name, defaultPort, wrap = (handle) => handle, args = process.argv.slice(2) }) {
  const dev = args.includes('--dev')
  const portArg = args.indexOf('-p')
  const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PORT || defaultPort)

  const app = next({ dev, dir, port, hostname: 'localhost' })
  const handle = app.getRequestHandler()
  await app.prepare()
  const serve = wrap(handle, { dev, dir })

  const server = createServer((req, res) => {
    req.headers['x-runsense-peer'] = req.socket.remoteAddress ?? ''
    serve(req, res)
  })
  server.keepAliveTimeout = 65_000
  await new Promise((resolve) => server.listen(port, resolve))
  console.log(`▲ Runsense ${name} ready on http://localhost:${server.address().port}${dev ? ' (dev)' : ''}`)

  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return server
}
