// The CMS's HTTP server (@runsense/next-server: Next behind node:http, with the socket's peer
// address on every request for staff sign-in throttling). Anonymous reads of published content
// are answered from memory while nothing they show has changed (read-cache.mjs).
// Usage: node server.mjs [--dev] [-p PORT]
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'
import { serveNext } from '@runsense/next-server'
import { readCacheFromEnv } from './read-cache.mjs'

await serveNext({
  next,
  dir: path.dirname(fileURLToPath(import.meta.url)),
  name: 'CMS',
  defaultPort: 3001,
  wrap: (handle, { dev }) => {
    const readCache = dev ? null : readCacheFromEnv()
    return readCache ? (req, res) => void readCache.handle(req, res, () => handle(req, res)) : handle
  },
})
