/**
 * A job worker (`npm run worker`): Payload without HTTP, running the job queues (emails,
 * scheduled publishing, review cadence, newsletter sends, housekeeping) and their schedules.
 * Run any number of them beside CMS API instances started with JOBS_AUTORUN=false; a job is
 * claimed by one worker at a time (row locks, see payload.config.ts) and taken up again by any
 * worker if its worker dies (leases, jobs/lease.ts). Same environment as the CMS.
 *
 * WORKER_HEALTH_PORT (optional): answers GET /health with 200 while the worker runs its queues.
 * SIGTERM/SIGINT: claims nothing more, lets running jobs finish (up to WORKER_STOP_GRACE_SECONDS,
 * default 20), then exits; whatever was still running is handed back by its lease.
 */
import http from 'node:http'
import { getPayload } from 'payload'
import { jobsRunningHere } from './jobs/lease'

// Run as a bundle (scripts/build-worker.mjs says why not through `payload run`). The worker runs
// until a signal stops it (below): this timer keeps the event loop alive whatever else is pending.
const keepAlive = setInterval(() => {}, 1 << 30)

if (process.env.JOBS_AUTORUN === 'false') {
  console.error('This is a job worker: JOBS_AUTORUN=false (meant for the API instances) makes no sense here.')
  process.exit(2)
}
// Workers never seed: the CMS API instance does, once.
process.env.SEED_DEMO_CONTENT = 'false'

const { default: config } = await import('./payload.config')
const payload = await getPayload({ config, cron: true })
payload.logger.info(`Job worker ${process.pid} running the job queues.`)

let server: http.Server | undefined
const healthPort = Number(process.env.WORKER_HEALTH_PORT)
if (healthPort > 0) {
  server = http.createServer((req, res) => {
    const ok = req.url === '/health' && !stopping
    res.writeHead(ok ? 200 : req.url === '/health' ? 503 : 404, { 'content-type': 'application/json' })
    res.end(JSON.stringify(ok ? { ok: true, running: jobsRunningHere() } : { ok: false }))
  })
  server.listen(healthPort, () => payload.logger.info(`Worker health on :${healthPort}/health`))
}

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  payload.logger.info(`Job worker ${process.pid}: ${signal}, claiming nothing more; waiting for running jobs.`)
  await Promise.all(payload.crons.splice(0).map((c) => c.stop()))
  const grace = (Number(process.env.WORKER_STOP_GRACE_SECONDS) || 20) * 1000
  const deadline = Date.now() + grace
  while (jobsRunningHere() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
  server?.close()
  clearInterval(keepAlive)
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
