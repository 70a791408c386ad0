import path from 'node:path'
import { fileURLToPath } from 'node:url'

const monorepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  transpilePackages: ['@runsense/domain', '@runsense/types'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Metadata always goes in <head> (no streaming into <body>): valid HTML for every client.
  htmlLimitedBots: /.*/,
}

export default nextConfig
