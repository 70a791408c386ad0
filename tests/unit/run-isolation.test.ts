// Two runners at once never share a log folder or a build folder (scripts/lib/stack.mjs: runName,
// servedBuild). Each check runs in a child node process, as a runner would.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const stackUrl = new URL('../../scripts/lib/stack.mjs', import.meta.url).href
const base = `unit-run-${process.pid}`
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runsense-run-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** Runs `code` (with `stack` imported) in a child named RUNSENSE_RUN=`base`; resolves with what it prints. */
const inChild = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', `const stack = await import(${JSON.stringify(stackUrl)});\n${code}`], {
    env: { ...process.env, RUNSENSE_RUN: base },
    encoding: 'utf8',
  }).trim()

describe('run names', () => {
  it('a second run while the first holds the name gets its own, and the name is free again once the first is gone', async () => {
    const first = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const stack = await import(${JSON.stringify(stackUrl)}); console.log(stack.logDir()); setInterval(() => {}, 1000)`],
      {
        env: { ...process.env, RUNSENSE_RUN: base },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const firstDir = await new Promise<string>((resolve) => first.stdout!.once('data', (d) => resolve(String(d).trim())))
    try {
      expect(path.basename(firstDir)).toBe(base)
      const second = inChild('console.log(stack.logDir())')
      expect(second).not.toBe(firstDir)
      expect(path.basename(second)).toMatch(new RegExp(`^${base}-\\d+$`))
    } finally {
      first.kill('SIGKILL')
      await new Promise((r) => first.once('exit', r))
    }
    // The first was killed (no exit handler ran): its claim is stale, the name free.
    expect(path.basename(inChild('console.log(stack.logDir())'))).toBe(base)
  })
})

describe('servedBuild', () => {
  it('copies the build without its cache, and a later build does not change the copy', () => {
    const app = path.join(tmp, 'app')
    fs.mkdirSync(path.join(app, '.next/server'), { recursive: true })
    fs.mkdirSync(path.join(app, '.next/cache'), { recursive: true })
    fs.writeFileSync(path.join(app, '.next/BUILD_ID'), 'one')
    fs.writeFileSync(path.join(app, '.next/server/page.js'), 'first build')
    fs.writeFileSync(path.join(app, '.next/cache/big'), 'cache')
    fs.symlinkSync('../../node_modules/x', path.join(app, '.next/server/link'))
    // A copy left by a run that is gone is removed; the copy stays while its run holds it.
    fs.mkdirSync(path.join(app, '.next-gone-run'))
    const out = inChild(
      `const env = stack.servedBuild('app', ${JSON.stringify(app)}); const fs = await import('node:fs'); const dir = ${JSON.stringify(app)} + '/' + env.NEXT_DIST_DIR
       const seen = { env, page: fs.readFileSync(dir + '/server/page.js', 'utf8'), cache: fs.existsSync(dir + '/cache'), link: fs.readlinkSync(dir + '/server/link'), gone: fs.existsSync(${JSON.stringify(app)} + '/.next-gone-run') }
       fs.rmSync(${JSON.stringify(app)} + '/.next', { recursive: true }); fs.mkdirSync(${JSON.stringify(app)} + '/.next/server', { recursive: true }); fs.writeFileSync(${JSON.stringify(app)} + '/.next/server/page.js', 'second build')
       seen.after = fs.readFileSync(dir + '/server/page.js', 'utf8')
       console.log(JSON.stringify(seen))`,
    )
    expect(JSON.parse(out)).toEqual({ env: { NEXT_DIST_DIR: `.next-${base}` }, page: 'first build', cache: false, link: '../../node_modules/x', gone: false, after: 'first build' })
    // Gone with its run.
    expect(fs.existsSync(path.join(app, `.next-${base}`))).toBe(false)
  })

  it('refuses a build that is still being written (its lock held, or no BUILD_ID yet)', () => {
    const app = path.join(tmp, 'building')
    fs.mkdirSync(path.join(app, '.next'), { recursive: true })
    fs.writeFileSync(path.join(app, '.next/lock'), '')
    fs.writeFileSync(path.join(app, '.next/BUILD_ID'), 'half')
    const tryCopy = () => inChild(`try { stack.servedBuild('app', ${JSON.stringify(app)}); console.log('copied') } catch (err) { console.log(err.message) }`)
    expect(tryCopy()).toMatch(/not a complete build/)
    fs.rmSync(path.join(app, '.next/lock'))
    fs.rmSync(path.join(app, '.next/BUILD_ID'))
    expect(tryCopy()).toMatch(/not a complete build/)
    fs.writeFileSync(path.join(app, '.next/BUILD_ID'), 'done')
    expect(tryCopy()).toBe('copied')
  })
})
