// Bundles the job worker (src/worker.ts) into dist/worker.mjs, run with plain `node`.
//
// Why not `payload run src/worker.ts`: that transpiles on the fly through tsx's module.register()
// loader hooks, which run on a separate thread on Node 20/22. Under load, a worker started that way
// now and then never finished loading (hung, or exited 0, with no output at all): a deadlock of
// the off-thread hooks that Node's own docs give as the reason they are being replaced. A bundle
// has no loader hooks: our TypeScript (this app and the workspace packages) is compiled in,
// everything from node_modules stays an ordinary import.
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import fs from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outfile = path.join(appDir, 'dist/worker.mjs')

/**
 * Packages stay imports, except our workspace packages (TypeScript sources) and JSON data, which
 * are compiled in. A deep import into a CommonJS package without an "exports" map
 * ('nodemailer/lib/qp') is written as the file it resolves to ('nodemailer/lib/qp/index.js'):
 * Node's ESM resolver, unlike a bundler's, does not guess extensions or index files.
 */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !args.importer) return args.importer ? { path: args.path, external: true } : undefined
      if (args.path.startsWith('@runsense/') || args.path === '@payload-config' || args.path.endsWith('.json')) return undefined
      const parts = args.path.split('/')
      const name = parts.slice(0, args.path.startsWith('@') ? 2 : 1).join('/')
      const subpath = parts.slice(name.split('/').length).join('/')
      if (!subpath) return { path: args.path, external: true }
      const require = createRequire(args.importer)
      const pkgJson = require.resolve
        .paths(name)
        .map((dir) => path.join(dir, name, 'package.json'))
        .find((f) => existsSync(f))
      if (JSON.parse(readFileSync(pkgJson, 'utf8')).exports) return { path: args.path, external: true }
      const file = path.relative(path.dirname(pkgJson), require.resolve(args.path)).split(path.sep).join('/')
      return { path: `${name}/${file}`, external: true }
    })
  },
}

/** Each bundled module keeps its own import.meta.url (payload.config.ts resolves its migrations folder from it). */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(ts|tsx|mts)$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8')
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      }
    })
  },
}

await build({
  entryPoints: [path.join(appDir, 'src/worker.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [externalPackages, ownImportMetaUrl],
})
