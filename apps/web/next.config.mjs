import path from 'node:path'
import { fileURLToPath } from 'node:url'

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
  async rewrites() {
    return {
      // Staff in draft mode (/api/preview) see the draft at the guide's own address.
      beforeFiles: [{ source: '/guides/:slug', has: [{ type: 'cookie', key: '__prerender_bypass' }], destination: '/preview/guides/:slug' }],
    }
  },
}

export default nextConfig
