// Row 4, signups: POST /api/newsletter under load, then every accepted address checked against the database and the SMTP peer (bench/README.md).
import { queryOnce as query } from '../lib/embedded-pg.mjs'
import { cannon, cpuMeter, cpuText, num, say, sleep } from './util.mjs'

const SIGNUP_TARGET_PER_S = 300
export const SIGNUP_TARGET = `≥ ${SIGNUP_TARGET_PER_S}/s, lost 0, duplicated 0`

export async function measureSignups({ sitePort, databaseUrl, sink, runId, signupSeconds: seconds, connections, mailWaitSeconds, cpuParts }) {
  const prefix = `bench-${runId}-`
  let n = 0
  const accepted = new Set()
  say(`signups: POST /api/newsletter for ${seconds} s at ${connections} connections, a new address and X-Forwarded-For each…`)
  // CPU per accepted signup for each part, over the load (the email runner works meanwhile).
  const cpuPerSignup = cpuMeter(cpuParts)
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
            context.email = `${prefix}${i}@example.com`
            const headers = {
              ...req.headers,
              'content-type': 'application/json',
              accept: 'application/json',
              'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
            }
            return { ...req, headers, body: JSON.stringify({ email: context.email, source: '/bench' }) }
          },
          onResponse: (status, _body, context) => status >= 200 && status < 300 && context.email && accepted.add(context.email),
        },
      ],
    },
    'signups',
  )
  const ok = result['2xx']
  const cpu = cpuPerSignup(ok)
  const rate = ok / result.duration
  say(`signups: ${ok} accepted (${num(rate)}/s), ${result.non2xx} refused, ${result.errors} errors; checking the database and the SMTP peer…`)

  const like = `${prefix}%`
  // Addresses of this run with an email still on the queue (a job carries one or more emails).
  const pendingTo = async () =>
    (
      await query(
        databaseUrl,
        `select distinct lower(e->>'to') as "to" from payload_jobs j, jsonb_array_elements(j.input->'emails') as e
          where j.task_slug = 'sendEmail' and j.completed_at is null and e->>'to' like $1`,
        [like],
      )
    ).map((r) => r.to)

  // Wait for the jobs queue to send what the signups queued (bounded).
  const waitStarted = Date.now()
  let pending
  while ((pending = (await pendingTo()).length) && Date.now() - waitStarted < mailWaitSeconds * 1000) {
    say(`signups: emails to ${pending} addresses still queued; waiting (up to ${mailWaitSeconds} s)…`)
    await sleep(2000)
  }
  const drained = pending === 0
  const waited = (Date.now() - waitStarted) / 1000

  // Each address signed up once, so it is owed exactly one email: received (counted per address
  // by the SMTP peer; transactional emails are "other", not an issue's), or still queued. An
  // address both received and queued (a job part sent) counts as received.
  const perAddress = new Map([...sink.perAddress].filter(([k]) => k.startsWith(`other:${prefix}`)).map(([k, n]) => [k.slice('other:'.length), n]))
  const queued = new Set((await pendingTo()).filter((a) => !perAddress.has(a)))
  const mailCount = [...perAddress.values()].reduce((a, b) => a + b, 0)

  const subs = (await query(databaseUrl, `select email from subscribers where email like $1`, [like])).map((r) => r.email)
  const subSet = new Set(subs)
  const lost = [...accepted].filter((e) => !subSet.has(e))
  const withoutEmail = [...accepted].filter((e) => !perAddress.has(e) && !queued.has(e))
  const duplicateSubscribers = subs.length - subSet.size
  let duplicateEmails = 0
  for (const c of perAddress.values()) if (c > 1) duplicateEmails += c - 1
  const duplicated = duplicateSubscribers + duplicateEmails
  const inFlight = subs.filter((e) => !accepted.has(e)).length // written by requests still running when the load stopped

  const emailsText = drained
    ? `${mailCount} emails`
    : `${mailCount} emails +${queued.size} queued (queue not drained after ${Math.round(waited)} s: counted queued emails in payload_jobs)`
  return {
    figure:
      `${num(rate)}/s (${ok} accepted 2xx of ${result.requests.total}); ${subs.length} subscribers; ${emailsText}; ` +
      `lost ${lost.length}; duplicated ${duplicated}${withoutEmail.length ? `; ${withoutEmail.length} accepted without email` : ''}` +
      `${inFlight ? `; ${inFlight} stored from requests cut off at the end` : ''}; per-IP/per-address limits lifted${cpuText('signup', cpu)}`,
    met: rate >= SIGNUP_TARGET_PER_S && lost.length === 0 && duplicated === 0 && withoutEmail.length === 0,
    data: {
      perSecond: rate,
      cpuMsPerSignup: cpu,
      accepted2xx: ok,
      requests: result.requests.total,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats || {}).map(([code, { count }]) => [code, count])),
      errors: result.errors,
      timeouts: result.timeouts,
      subscribers: subs.length,
      emailsReceived: mailCount,
      emailsQueued: queued.size,
      queueDrained: drained,
      waitedForQueueSeconds: waited,
      lost: lost.length,
      lostSample: lost.slice(0, 5),
      acceptedWithoutEmail: withoutEmail.length,
      duplicatedSubscribers: duplicateSubscribers,
      duplicatedEmails: duplicateEmails,
      storedFromCutOffRequests: inFlight,
      addressPrefix: prefix,
    },
  }
}
