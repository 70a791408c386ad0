import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../..')
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|mjs|js|md|yml|json)$/.test(f) && !f.endsWith('package-lock.json') && !f.includes('migrations/') && fs.existsSync(path.join(root, f)))

describe('the repository explains itself', () => {
  it('every docs/*.md a file points to exists, and nothing points to notes outside the repository', () => {
    const missing: string[] = []
    const outside: string[] = []
    for (const f of tracked) {
      const text = fs.readFileSync(path.join(root, f), 'utf8')
      for (const m of text.matchAll(/\bdocs\/[\w.-]+\.md\b/g)) if (!fs.existsSync(path.join(root, m[0]))) missing.push(`${f}: ${m[0]}`)
      if (f !== 'tests/unit/references.test.ts' && /PLATFORM\.md/.test(text)) outside.push(f)
    }
    expect(missing).toEqual([])
    expect(outside).toEqual([])
  })
})
