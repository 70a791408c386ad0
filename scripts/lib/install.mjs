// Node's standard library only: every entry point a newcomer may type first (`npm start`, `npm test`,
// `npm run bench`, …) calls this before importing anything from node_modules.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Runs `npm ci` when node_modules is missing or older than package-lock.json or any file in
 * patches/ (patch-package applies those in `postinstall`); returns whether it did.
 */
export function installIfNeeded(say = (m) => console.log(m)) {
  const lock = path.join(root, 'package-lock.json')
  const installed = path.join(root, 'node_modules', '.package-lock.json')
  const patchesDir = path.join(root, 'patches')
  const patches = fs.existsSync(patchesDir) ? fs.readdirSync(patchesDir).map((f) => path.join(patchesDir, f)) : []
  const newest = Math.max(...[lock, ...patches].map((f) => fs.statSync(f).mtimeMs))
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= newest) return false
  say('Installing dependencies (npm ci; about a minute the first time)…')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  return true
}
