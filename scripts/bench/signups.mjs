// Row 4: newsletter signups. 50 connections POST the site's /api/newsletter for 30 s, every request
// with its own address and its own X-Forwarded-For (the site runs with TRUST_PROXY=1 and the
// per-IP / per-address limits lifted, since all load comes from this one machine). Then we check
// every accepted signup against the database (subscribers) and the mail catcher (confirmation
// emails, plus any still queued in payload_jobs when the queue has not drained in time).
import { queryOnce as query } from '../lib/embedded-pg.mjs'
import { cannon, cpuMeter, cpuText, num, say, sleep } from './util.mjs'

export const SIGNUP_TARGET_PER_S = 300

const tokenOf = (text) => /confirm\?token=([^\s]+)/.exec(String(text || ''))?.[1] ?? null

export async function measureSignups({ sitePort, databaseUrl, mailApi, runId, seconds, connections = 50, mailWaitSeconds = 60, cpuParts = null }) {
  const prefix = `bench-${runId}-`
  let n = 0
  const accepted = new Set()
  const statuses = {}
  say(`signups: POST /api/newsletter for ${seconds} s at ${connections} connections, a new address and X-Forwarded-For each…`)
  // CPU per accepted signup for each part, over the load (the email runner works meanwhile).
  const meter = cpuParts ? cpuMeter(cpuParts) : null
  const result = await cannon(
    {
      url: `http://127.0.0.1:${sitePort}`,
      connections,
      duration: seconds,
      timeout: 20,
      requests: [
        {
          method: 'POST',
          path: '/api/newsletter',
          setupRequest: (req, context) => {
            const i = ++n
            const email = `${prefix}${i}@example.com`
            context.email = email
            return {
              ...req,
              headers: {
                ...req.headers,
                'content-type': 'application/json',
                accept: 'application/json',
                'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
              },
              body: JSON.stringify({ email, source: '/bench' }),
            }
          },
          onResponse: (status, _body, context) => {
            statuses[status] = (statuses[status] || 0) + 1
            if (status >= 200 && status < 300 && context.email) accepted.add(context.email)
          },
        },
      ],
    },
    'signups',
  )
  const ok = result['2xx']
  const cpu = meter ? meter.perUnit(ok) : null
  const rate = ok / result.duration
  say(`signups: ${ok} accepted (${num(rate)}/s), ${result.non2xx} refused, ${result.errors} errors; checking the database and the mail catcher…`)

  const like = `${prefix}%`
  const pendingJobs = () =>
    query(
      databaseUrl,
      `select id, input->>'to' as "to", input->>'text' as text from payload_jobs where task_slug = 'sendEmail' and completed_at is null and input->>'to' like $1`,
      [like],
    )
  const mailbox = async () => {
    const res = await fetch(`${mailApi}/api/email`, { signal: AbortSignal.timeout(60_000) })
    if (!res.ok) throw new Error(`MailDev answered ${res.status}`)
    const all = await res.json()
    return all.map((m) => ({ to: (m.to || []).map((t) => String(t.address).toLowerCase()), text: m.text })).filter((m) => m.to.some((a) => a.startsWith(prefix)))
  }

  // Wait for the jobs queue to send what the signups queued (bounded).
  const waitStarted = Date.now()
  let pending = (await pendingJobs()).length
  while (pending > 0 && Date.now() - waitStarted < mailWaitSeconds * 1000) {
    say(`signups: ${pending} confirmation emails still queued; waiting (up to ${mailWaitSeconds} s)…`)
    await sleep(Math.min(5000, mailWaitSeconds * 1000 - (Date.now() - waitStarted) + 10))
    pending = (await pendingJobs()).length
  }
  const drained = pending === 0
  const waited = (Date.now() - waitStarted) / 1000

  // Counted without double-counting a job sent between the two looks: pending before, the
  // mailbox, pending after; a pending job whose token is in the mailbox was sent, not queued.
  const before = await pendingJobs()
  const mail = await mailbox()
  const after = await pendingJobs()
  const mailedTokens = new Set(mail.map((m) => tokenOf(m.text)).filter(Boolean))
  const queued = new Map()
  for (const j of [...before, ...after]) {
    const t = tokenOf(j.text) ?? `job:${j.id}`
    if (!mailedTokens.has(t)) queued.set(t, j.to.toLowerCase())
  }

  const subs = (await query(databaseUrl, `select email from subscribers where email like $1`, [like])).map((r) => r.email)
  const subSet = new Set(subs)
  const perAddress = new Map()
  for (const m of mail) for (const a of m.to) if (a.startsWith(prefix)) perAddress.set(a, (perAddress.get(a) || 0) + 1)
  for (const a of queued.values()) perAddress.set(a, (perAddress.get(a) || 0) + 1)

  const lost = [...accepted].filter((e) => !subSet.has(e))
  const withoutEmail = [...accepted].filter((e) => !perAddress.has(e))
  const duplicateSubscribers = subs.length - subSet.size
  let duplicateEmails = 0
  for (const c of perAddress.values()) if (c > 1) duplicateEmails += c - 1
  const duplicated = duplicateSubscribers + duplicateEmails
  const inFlight = subs.filter((e) => !accepted.has(e)).length // written by requests still running when the load stopped

  const emailsText = drained
    ? `${mail.length} emails`
    : `${mail.length} emails +${queued.size} queued (queue not drained after ${Math.round(waited)} s: counted queued jobs in payload_jobs)`
  return {
    figure:
      `${num(rate)}/s (${ok} accepted 2xx of ${result.requests.total}); ${subs.length} subscribers; ${emailsText}; ` +
      `lost ${lost.length}; duplicated ${duplicated}${withoutEmail.length ? `; ${withoutEmail.length} accepted without email` : ''}` +
      `${inFlight ? `; ${inFlight} stored from requests cut off at the end` : ''}; per-IP/per-address limits lifted${cpuText('signup', cpu)}`,
    target: `≥ ${SIGNUP_TARGET_PER_S}/s, lost 0, duplicated 0`,
    met: rate >= SIGNUP_TARGET_PER_S && lost.length === 0 && duplicated === 0 && withoutEmail.length === 0,
    data: {
      perSecond: rate,
      cpuMsPerSignup: cpu,
      accepted2xx: ok,
      requests: result.requests.total,
      statusCodes: statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      subscribers: subs.length,
      emailsReceived: mail.length,
      emailsQueued: queued.size,
      queueDrained: drained,
      waitedForQueueSeconds: waited,
      lost: lost.length,
      lostSample: lost.slice(0, 5),
      acceptedWithoutEmail: withoutEmail.length,
      duplicatedSubscribers: duplicateSubscribers,
      duplicatedEmails: duplicateEmails,
      storedFromCutOffRequests: inFlight,
      limits: 'TRUST_PROXY=1, SIGNUP_LIMIT_PER_IP=100000000, SIGNUP_LIMIT_PER_EMAIL=1000; one X-Forwarded-For per request',
      addressPrefix: prefix,
    },
  }
}
