// Rows 8 and 9: one issue to N confirmed subscribers through the counting SMTP peer; row 9 SIGKILLs the CMS half way (bench/README.md).
import { queryOnce as query } from '../lib/embedded-pg.mjs'
import { cpuMeter, cpuText, say, sleep } from './util.mjs'

const NEWSLETTER_TARGET_PER_S = 500
/** Row 8's target; row 9's is correctness after the kill (its rate includes the restart and the lease). */
export const NEWSLETTER_TARGET = { send: `≥ ${NEWSLETTER_TARGET_PER_S}/s, 0 duplicates, 0 missing`, killed: '0 missing; duplicates only in the counted window' }

/** N confirmed subscribers in one statement (what a long-running list looks like to the send). */
export async function insertSubscribers(databaseUrl, runId, n) {
  await query(
    databaseUrl,
    `insert into subscribers (email, status, consent_confirmed_at, updated_at, created_at)
     select 'bench-nl-' || $1 || '-' || g || '@example.com', 'confirmed', now(), now(), now() from generate_series(1, $2::int) g
     on conflict (email) do nothing`,
    [runId, n],
  )
}

export async function measureNewsletterSend({ cms, databaseUrl, sink, killHalfWay = null, cpuParts = null }) {
  const timeoutSeconds = 600
  const [guide] = await query(databaseUrl, `select id from articles where slug = 'returning-to-running-after-an-injury'`)
  const created = await cms.must(201, 'POST', '/api/newsletter-issues', { as: 'editor', body: { subject: `Bench issue ${Date.now().toString(36)}`, featuredGuide: guide.id } })
  const id = created.doc.id
  const expected = new Set((await query(databaseUrl, `select email from subscribers where status = 'confirmed'`)).map((r) => r.email))
  const t0 = Date.now()
  const cpuPerEmail = cpuParts && cpuMeter(cpuParts)
  const started = await cms.must(202, 'POST', `/api/newsletter-issues/${id}/send`, { as: 'editor', body: {} })
  say(`newsletter: issue ${id} sending to ${started.recipients} recipients (${expected.size} confirmed)…`)
  let killedAt = null
  const deadline = Date.now() + timeoutSeconds * 1000
  let last = null
  let lastLog = 0
  while (Date.now() < deadline) {
    if (killHalfWay && killedAt === null && sink.acceptedFor(id) >= expected.size / 2) {
      killedAt = sink.acceptedFor(id)
      say(`newsletter: SIGKILL of the CMS at ${killedAt} accepted; starting it again…`)
      await killHalfWay()
    }
    last = await cms.rest('GET', `/api/newsletter-issues/${id}/progress`, { as: 'editor' }).catch(() => null)
    if (last?.body?.status === 'sent') break
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now()
      say(`newsletter: ${sink.acceptedFor(id)} accepted by the SMTP peer`)
    }
    // Progress counts 50,000 rows: ask twice a second, not more, so the bench does not slow the send.
    await sleep(500)
  }
  const totalSeconds = (Date.now() - t0) / 1000
  if (last?.body?.status !== 'sent') throw new Error(`the send did not finish within ${timeoutSeconds} s: ${JSON.stringify(last?.body)}`)
  const r = sink.compare(id, expected)
  const [{ reclaimed }] = await query(databaseUrl, `select count(*)::int as reclaimed from newsletter_deliveries where issue_id = $1 and reclaimed`, [id])
  const accepted = sink.acceptedFor(id)
  const rate = accepted / totalSeconds
  // CPU per email for each part: what bounds the rate on an idle machine, whatever the load now.
  const cpu = cpuPerEmail ? cpuPerEmail(accepted) : null
  const problems = sink.problems
  const figure =
    `${Math.round(rate)} emails/s (${accepted} in ${totalSeconds.toFixed(1)} s); duplicates ${r.duplicated}, missing ${r.missing}` +
    (killHalfWay ? ` (killed at ${killedAt}; ${reclaimed} rows re-claimed after the lease: the documented window)` : '') +
    (problems.length ? `; header problems: ${problems[0]}` : '') +
    cpuText('email', cpu)
  const correct = r.missing === 0 && r.unexpected === 0 && !problems.length
  const met = killHalfWay ? correct && r.duplicated <= reclaimed : correct && r.duplicated === 0 && rate >= NEWSLETTER_TARGET_PER_S
  return {
    figure,
    met,
    data: { issue: id, recipients: expected.size, accepted, totalSeconds, rate, ...r, reclaimed, killedAt, problems, cpuMsPerEmail: cpu },
  }
}
