import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { securityHeaderRules } from './security-headers.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const monorepoRoot = path.resolve(here, '../..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  transpilePackages: ['@runsense/domain', '@runsense/types'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Metadata always goes in <head> (no streaming into <body>): valid HTML for every client.
  htmlLimitedBots: /.*/,
  // Pages and CMS reads are cached in memory and expired by cache tag (see the file).
  cacheHandler: path.join(here, 'cache-handler.mjs'),
  cacheMaxMemorySize: 0,
  // Static pages are labeled "check again before each use" instead of Next's year-long s-maxage
  // (next-server-patches.mjs); per-request pages declare their own Cache-Control.
  async headers() {
    return [
      // CSP, framing, sniffing, referrer, permissions; HSTS over https (see the file).
      ...securityHeaderRules(),
    ]
  },
}

export default nextConfig
