#!/usr/bin/env node
// Fails when next, react, react-dom or graphql resolve to more than one version: npm silently
// installs a second copy when one workspace pins a version Payload refuses (docs/platform.md).
import { execFileSync } from 'node:child_process'

let failed = false
for (const name of ['next', 'react', 'react-dom', 'graphql', 'payload']) {
  const found = JSON.parse(execFileSync('npm', ['query', `#${name}`], { encoding: 'utf8' }))
  const versions = [...new Set(found.map((p) => p.version))]
  if (versions.length !== 1) {
    failed = true
    console.error(`${name} resolves to ${versions.length ? versions.join(', ') : 'nothing'}: exactly one version is required.`)
  } else console.log(`${name} ${versions[0]}`)
}
process.exit(failed ? 1 : 0)
