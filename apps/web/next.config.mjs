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
  // Pages and CMS reads are cached in memory and expired by cache tag (see the file); with
  // REDIS_URL, in Redis shared by every site instance. No second in-process layer (size 0).
  cacheHandler: path.join(here, 'cache-handler.mjs'),
  cacheMaxMemorySize: 0,
  // Several instances of one build must agree: the same build ID (NEXT_BUILD_ID, else Next's
  // random one, the same anyway when every instance runs one build) and deployment ID (skew
  // protection). Server Actions are encrypted with NEXT_SERVER_ACTIONS_ENCRYPTION_KEY, which
  // Next reads itself: give every instance the same one.
  generateBuildId: async () => process.env.NEXT_BUILD_ID || null,
  ...(process.env.NEXT_DEPLOYMENT_ID ? { deploymentId: process.env.NEXT_DEPLOYMENT_ID } : {}),
  // Next would label a static page "s-maxage=31536000": a year in any shared cache, which would
  // never hear of a revalidation. Readers' pages instead say what the per-request ones say (see
  // sameForEveryone in src/lib/pageCache.ts). Not for staff previews, which stay no-store.
  async headers() {
    return [
      ...['/guides/:slug', '/reviewers/:slug', '/topics/:slug', '/newsletter/check-your-inbox'].map((source) => ({
        source,
        missing: [{ type: 'cookie', key: '__prerender_bypass' }],
        headers: [{ key: 'Cache-Control', value: 'public, max-age=0, must-revalidate' }],
      })),
      // CSP, framing, sniffing, referrer, permissions; HSTS over https (see the file).
      ...securityHeaderRules(),
    ]
  },
  async rewrites() {
    return {
      // Staff in draft mode (/api/preview) see the draft at the guide's own address.
      beforeFiles: [{ source: '/guides/:slug', has: [{ type: 'cookie', key: '__prerender_bypass' }], destination: '/preview/guides/:slug' }],
    }
  },
}

export default nextConfig
