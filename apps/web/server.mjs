// The site's HTTP server (@runsense/next-server: Next behind node:http, with the socket's peer
// address on every request for the signup's rate limits), with the site's workarounds of Next
// internals (503 page, our 404 page, static pages' cache label, the request's cookies for
// draft-mode renders), all in next-server-patches.mjs.
// Usage: node server.mjs [--dev] [-p PORT]
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'
import { serveNext } from '@runsense/next-server'
import { notFoundHtmlFile, patchedHandler } from './next-server-patches.mjs'

await serveNext({
  next,
  dir: path.dirname(fileURLToPath(import.meta.url)),
  name: 'site',
  defaultPort: 3000,
  // pages/not-found.tsx as built (absent under --dev, where Next's own 404 page shows instead).
  wrap: (handle, { dev, dir }) => patchedHandler(handle, { notFoundHtml: dev ? undefined : fs.readFileSync(notFoundHtmlFile(dir), 'utf8') }),
})
