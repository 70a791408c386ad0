#!/usr/bin/env node
// `npm run test:topology`: the production topology of docker-compose.yml without Docker
// (scripts/lib/topology.mjs), then tests/topology/ against it; extra arguments filter files.
// Needs nginx and redis-server (Debian packages) and the machine's PostgreSQL server binaries.
import { installIfNeeded } from './lib/install.mjs'

installIfNeeded((m) => console.log(`[topology] ${m}`))
const stack = await import('./lib/stack.mjs')
const { startTopology } = await import('./lib/topology.mjs')

const say = (m) => console.log(`[topology] ${m}`)
const filters = process.argv.slice(2)
// Ctrl-C: the topology stops (whatever of it has started), then exit 130, as in every runner.
const code = await stack.runWithCleanups(async (cleanups) => {
  await stack.buildApps({ say })
  const started = Date.now()
  const topology = await startTopology({
    log: say,
    onStop: (stop) => cleanups.add(stop),
    // Test-only: a job's lease passes in 3 s (not 30) so a killed worker's job is taken up quickly,
    // and SMTP waits long for a greeting so a job can be caught mid-send.
    // All signups arrive through the front from this one machine: the per-address limit is lifted.
    overrides: { worker: { JOBS_LEASE_SECONDS: '3', SMTP_GREETING_TIMEOUT_MS: '60000' }, cms: { SIGNUP_LIMIT_PER_IP: '1000' } },
  })
  say(`Topology up in ${((Date.now() - started) / 1000).toFixed(1)} s: front ${topology.urls.front}, sites ${topology.urls.site1} ${topology.urls.site2}, CMS ${topology.urls.cms}`)
  await stack.vitest('topology', filters, {
    label: 'topology tests',
    // The shared-cache tests use the topology's Redis (under a prefix of their own) and start one
    // more redis-server of their own on REDIS_TEST_PORT to take it away.
    env: { ...topology.testEnv, REDIS_URL: topology.testEnv.TOPOLOGY_REDIS_URL, REDIS_TEST_PORT: process.env.REDIS_TEST_PORT || '6490' },
  })
})
process.exit(code)
