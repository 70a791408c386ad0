/**
 * PostgreSQL stops for ~3 s in the middle of a signup load, then starts again on the same data
 * folder and port. Nothing acknowledged is lost, the outage gets a clear 503 (never a 500, never
 * a hang), and the apps recover without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, FaultStack, GUIDE, SUBJECT, allMail, cmsUrl, isSentence, request, signup, siteUrl, sleep, until } from './helpers'

const WORKERS = 20
const LOAD_MS = 15_000
const OUTAGE_AT_MS = 5_000
const OUTAGE_MS = 3_000

describe('PostgreSQL restarts under signup load', () => {
  let s: FaultStack
  beforeAll(async () => {
    s = await FaultStack.start('pg_restart')
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('keeps every acknowledged signup, answers the outage with 503 and a sentence, and recovers by itself', async () => {
    const tag = `pgload${Date.now().toString(36)}`
    const results: (Answer & { email: string })[] = []
    let n = 0
    let stopping = false
    const t0 = Date.now()
    const outage = { stopAt: 0, stoppedAt: 0, startAt: 0, backAt: 0 }

    const worker = async () => {
      while (!stopping) {
        const email = `${tag}-${++n}@example.com`
        results.push({ email, ...(await signup(email)) })
      }
    }
    const breaker = async () => {
      await sleep(OUTAGE_AT_MS)
      outage.stopAt = Date.now()
      await s.stopPostgres()
      outage.stoppedAt = Date.now()
      await sleep(OUTAGE_MS)
      outage.startAt = Date.now()
      await s.startPostgres()
      outage.backAt = Date.now()
      // Keep the load going well past the restart.
      await sleep(Math.max(LOAD_MS - (Date.now() - t0), 5_000))
      stopping = true
    }
    await Promise.all([breaker(), ...Array.from({ length: WORKERS }, worker)])

    const by = (f: (r: Answer) => boolean) => results.filter(f)
    const accepted = by((r) => r.status === 202)
    const unavailable = by((r) => r.status === 503)
    const wrong = by((r) => r.status !== 202 && r.status !== 503)
    const summary =
      `${results.length} signups in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${accepted.length} accepted, ${unavailable.length} answered 503, ` +
      `${wrong.length} other (${[...new Set(wrong.map((r) => r.error ?? r.status))].join(', ')}); ` +
      `Postgres down ${outage.stopAt - t0}–${outage.backAt - t0} ms`
    console.log(summary)

    // The outage was really exercised, and every request got a proper answer in time.
    expect(unavailable.length, summary).toBeGreaterThan(0)
    expect(
      wrong.slice(0, 5).map((r) => `${r.email}: ${r.error ?? `${r.status} ${r.text.slice(0, 200)}`} at ${r.startedAt - t0} ms`),
      'never a 500, a dropped connection or a hang',
    ).toEqual([])
    const unclear = unavailable.filter((r) => !isSentence(r.json?.error))
    expect(
      unclear.slice(0, 3).map((r) => r.text.slice(0, 200)),
      'a 503 says what happened in a sentence',
    ).toEqual([])
    // 503s only while PostgreSQL was away (plus a few seconds to reconnect), none before it stopped.
    const early = unavailable.filter((r) => r.endedAt < outage.stopAt)
    expect(
      early.map((r) => `${r.email} at ${r.endedAt - t0} ms`),
      '503s before the outage',
    ).toEqual([])
    const late = unavailable.filter((r) => r.startedAt > outage.backAt + 5_000)
    expect(
      late.map((r) => `${r.email} at ${r.startedAt - t0} ms`),
      'still failing 5 s after PostgreSQL came back',
    ).toEqual([])

    // Nothing acknowledged is lost.
    const stored = new Set((await s.query<{ email: string }>('select email from subscribers where email like $1', [`${tag}-%`])).map((r) => r.email))
    const lost = accepted
      .filter((r) => !stored.has(r.email))
      .map((r) => `${r.email}: 202 after ${r.startedAt - t0}–${r.endedAt - t0} ms (Postgres stopping from ${outage.stopAt - t0} ms, gone at ${outage.stoppedAt - t0} ms)`)
    expect(lost, 'every 202 is in the database').toEqual([])

    // Recovered without a restart: health, a page, new signups, and the jobs queue sends again.
    expect(s.cms!.isAlive() && s.web!.isAlive(), 'the CMS and the site are the same processes').toBe(true)
    await until('CMS /api/health answers 200', async () => (await request(`${cmsUrl}/api/health`, {}, 5_000)).status === 200, { timeoutMs: 15_000 })
    const guide = await request(`${siteUrl}${GUIDE}`)
    expect(guide.status).toBe(200)
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => signup(`${tag}-after-${i}@example.com`)))
    expect(after.map((r) => r.status)).toEqual(Array(10).fill(202))
    const afterCount = await s.query<{ n: number }>('select count(*)::int as n from subscribers where email like $1', [`${tag}-after-%`])
    expect(afterCount[0].n).toBe(10)
    await until(
      'a confirmation email for each signup made after the restart',
      async () => {
        const got = new Set((await allMail()).filter((m) => m.subject === SUBJECT.confirm).map((m) => m.to[0]?.address))
        return Array.from({ length: 10 }, (_, i) => `${tag}-after-${i}@example.com`).every((a) => got.has(a))
      },
      { timeoutMs: 60_000, everyMs: 500 },
    )
  })
})
