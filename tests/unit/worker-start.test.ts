/**
 * The job worker is started with `--conditions=production` (docs/platform.md says why): Lexical's
 * packages resolve, for Node, to a "node" entry that picks its dev or prod build with a top-level
 * `await import(…)`. About twenty of them import each other that way, and Node 20's ESM loader
 * now and then deadlocks on that graph: the worker hung, or exited with code 13 and no output,
 * in about 1 start in 8. With the condition, Node takes the plain prod build (no top-level await).
 * These tests fail if a Lexical upgrade changes that, or if a way of starting the worker drops it.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../..')
const cmsDir = path.join(root, 'apps/cms')
const FLAG = '--conditions=production'

/** Where Node, started in apps/cms with `flags`, resolves `specifier`. */
const resolved = (specifier: string, flags: string[] = []) =>
  execFileSync(process.execPath, [...flags, '--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], {
    cwd: cmsDir,
    encoding: 'utf8',
  }).trim()

describe('how the job worker loads Lexical', () => {
  for (const pkg of ['lexical', '@lexical/utils', '@lexical/extension']) {
    it(`${pkg}: plain Node gets the entry with a top-level await; with ${FLAG} the prod build without one`, () => {
      const plain = resolved(pkg)
      expect(plain).toMatch(/\.node\.mjs$/)
      expect(readFileSync(new URL(plain), 'utf8')).toMatch(/^const mod = await \(/m)
      const prod = resolved(pkg, [FLAG])
      expect(prod).toMatch(/\.prod\.mjs$/)
      expect(readFileSync(new URL(prod), 'utf8')).not.toMatch(/^(const \w+ = )?await /m)
    })
  }

  it(`every way of starting the worker passes ${FLAG}`, () => {
    const cmsScripts = JSON.parse(readFileSync(path.join(cmsDir, 'package.json'), 'utf8')).scripts
    expect(cmsScripts.worker).toContain(`node ${FLAG} `)
    const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')
    expect(compose).toMatch(new RegExp(`command: \\['node', '${FLAG}', [^\\]]*'dist/worker\\.mjs'\\]`))
    const topology = readFileSync(path.join(root, 'scripts/lib/topology.mjs'), 'utf8')
    expect(topology).toMatch(new RegExp(`\\['${FLAG}', [^\\]]*'dist/worker\\.mjs'\\]`))
  })
})
