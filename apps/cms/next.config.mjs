import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { withPayload } from '@payloadcms/next/withPayload'

const monorepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Both must point at the monorepo root, or Turbopack cannot find next/package.json in a monorepo.
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  transpilePackages: ['@runsense/domain', '@runsense/types'],
  poweredByHeader: false,
  distDir: process.env.NEXT_DIST_DIR || '.next', // a local run's own copy of the build: see apps/web/next.config.mjs
  // Payload turns errors into API answers by their class name; minified names ('') would turn
  // every refusal into "An unknown error occurred." Server code size does not matter here.
  experimental: { serverMinification: false },
  // The admin and the API are never framed (clickjacking), never sniffed, and leak no paths in
  // Referer; HSTS when reached over https (a TLS-terminating proxy sets X-Forwarded-Proto).
  // No full CSP here: Payload's admin needs inline scripts and styles of its own.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'" },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
      {
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }],
      },
    ]
  },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
