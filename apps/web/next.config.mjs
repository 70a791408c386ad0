import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { securityHeaderRules } from './security-headers.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const monorepoRoot = path.resolve(here, '../..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  // `next build` writes .next; each local runner serves its own copy of it (NEXT_DIST_DIR, set by
  // scripts/lib/stack.mjs servedBuild), so a build never changes files under a running server.
  distDir: process.env.NEXT_DIST_DIR || '.next',
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
