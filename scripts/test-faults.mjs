#!/usr/bin/env node
// `npm run test:faults`: tests that break real parts on purpose (README, "Tests"): the `faults`
// vitest project after a (cached) build. Each test file starts and stops the stack it breaks
// (tests/faults/helpers.ts) on the fault ports (FAULT_*_PORT: CMS 3301, site 3300, MailDev 1325 /
// 1380, PostgreSQL 54359 in .runsense/fault-pg), apart from `npm start` and `npm test`. What the tests
// start is recorded in .runsense/fault-pids.jsonl; what still runs when vitest ends is stopped here.
import fs from 'node:fs'
import path from 'node:path'
import * as stack from './lib/stack.mjs'

const ports = {
  FAULT_CMS_PORT: Number(process.env.FAULT_CMS_PORT || 3301),
  FAULT_SITE_PORT: Number(process.env.FAULT_SITE_PORT || 3300),
  FAULT_MAIL_SMTP_PORT: Number(process.env.FAULT_MAIL_SMTP_PORT || 1325),
  FAULT_MAIL_WEB_PORT: Number(process.env.FAULT_MAIL_WEB_PORT || 1380),
  FAULT_PG_PORT: Number(process.env.FAULT_PG_PORT || 54359),
}
const pidsFile = path.join(stack.stateDir, 'fault-pids.jsonl')
const say = (m) => console.log(`\n[faults] ${m}`)
const filters = process.argv.slice(2)
const t0 = Date.now()

const code = await stack.runWithCleanups(async (cleanups) => {
  // What the tests recorded and is still running (the tests' owner, vitest, has exited by then).
  cleanups.add(() => stack.stopOrphans(pidsFile, say))
  await stack.assertPortsFree(ports)
  await stack.buildApps({ say })
  fs.mkdirSync(stack.stateDir, { recursive: true })
  fs.writeFileSync(pidsFile, '')
  say('Fault tests…')
  await stack.vitest('faults', filters, {
    label: 'The fault tests',
    env: {
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      FAULT_PG_DIR: path.join(stack.stateDir, 'fault-pg'),
      FAULT_PIDS_FILE: pidsFile,
      RUNSENSE_RUN: 'test-faults',
      // The tests choose every URL and database themselves: nothing from the caller's shell.
      DATABASE_URL: undefined,
      SMTP_URL: undefined,
      CMS_URL: undefined,
      SITE_URL: undefined,
    },
  })
})
say(`${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
process.exit(code)
