import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { withPayload } from '@payloadcms/next/withPayload'

const monorepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Both must point at the monorepo root, or Turbopack cannot find next/package.json (PLATFORM.md).
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  transpilePackages: ['@runsense/domain', '@runsense/types'],
  poweredByHeader: false,
  // Payload turns errors into API answers by their class name; minified names ('') would turn
  // every refusal into "An unknown error occurred." Server code size does not matter here.
  experimental: { serverMinification: false },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
