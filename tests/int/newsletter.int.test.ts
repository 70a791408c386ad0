import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { siteUrl } from '../helpers/api'
import { sql } from '../helpers/db'
import { header, linkIn, mailTo, waitForMail } from '../helpers/mail'
import { freshAddress, freshIp, pressConfirm, signup, subscriber, subscriberCount } from '../helpers/newsletter'

const isConfirm = (m: { subject: string }) => m.subject === 'Confirm your Runsense subscription'
const isWelcome = (m: { subject: string }) => m.subject === 'You are subscribed to Runsense'
const isAlready = (m: { subject: string }) => m.subject === 'You are already subscribed to Runsense'
const page = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, { redirect: 'manual', ...init })
  return { status: res.status, location: res.headers.get('location'), html: await res.text() }
}
const confirmVia = async (email: string) => {
  const [mail] = await waitForMail(email, isConfirm)
  return pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
}

describe('double opt-in with a real SMTP peer', () => {
  it('signs up, confirms from the emailed link, welcomes with one-click unsubscribe, records consent', async () => {
    const email = freshAddress()
    const res = await signup({ email: `  ${email.toUpperCase()} `, source: 'returning-to-running-after-an-injury' }, { ip: '203.0.113.7' })
    expect(res.status).toBe(202)
    expect(res.json).toEqual({ ok: true, message: expect.stringMatching(/check your inbox/i) })

    const [mail] = await waitForMail(email, isConfirm)
    expect(mail.text).not.toMatch(/sale|offer|discount/i)
    const sub = await subscriber(email)
    expect(sub).toMatchObject({ email, status: 'pending' })
    expect(JSON.stringify(sub)).not.toContain('203.0.113.7')
    expect(sub!.consent).toMatchObject({
      sourcePage: 'returning-to-running-after-an-injury',
      wording: 'One running guide a week. Calm, useful, no spam. Plain-English coaching from the Runsense team, once a week.',
    })
    expect(sub!.consent.ipHash).toMatch(/^[0-9a-f]{64}$/)
    // Only the token's hash is stored.
    const token = new URL(linkIn(mail, '/newsletter/confirm?token=')).searchParams.get('token')!
    const rows = await sql('select confirm_token_hash from subscribers where email = $1', [email])
    expect(rows[0].confirm_token_hash).not.toContain(token)
    expect(rows[0].confirm_token_hash).toBe(createHash('sha256').update(token).digest('hex'))

    // A mail scanner prefetching the link (GET) confirms nothing: it only gets the button.
    const prefetched = await page(linkIn(mail, '/newsletter/confirm?token='))
    expect(prefetched.status).toBe(200)
    expect(prefetched.html).toMatch(/<button[^>]*>Confirm my subscription<\/button>/)
    expect((await subscriber(email))!.status).toBe('pending')

    const confirmed = await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
    expect(confirmed.status).toBe(200)
    expect(confirmed.html).toContain('re subscribed')
    expect((await subscriber(email))!.status).toBe('confirmed')
    expect((await subscriber(email))!.consent.confirmedAt).toBeTruthy()

    const [welcome] = await waitForMail(email, isWelcome)
    expect(await header(welcome, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    const unsubscribeUrl = linkIn(welcome, '/newsletter/unsubscribe?token=')
    expect(await header(welcome, 'List-Unsubscribe')).toBe(`<${unsubscribeUrl}>`)

    // Pressing the link again while subscribed: told so, not asked to sign up again; nothing changes.
    const confirmedAt = (await subscriber(email))!.consent.confirmedAt
    const reused = await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
    expect(reused.html).toContain('re already subscribed')
    expect(reused.html).not.toContain('name="email"')
    expect((await subscriber(email))!.consent.confirmedAt).toBe(confirmedAt)
  })

  it('offers to sign up again when a used link is pressed after unsubscribing', async () => {
    const email = freshAddress()
    await signup({ email })
    const [mail] = await waitForMail(email, isConfirm)
    await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
    const [welcome] = await waitForMail(email, isWelcome)
    const unsubscribe = await page(linkIn(welcome, '/newsletter/unsubscribe?token='), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(unsubscribe.status).toBe(303)
    expect((await subscriber(email))!.status).toBe('unsubscribed')
    const reused = await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
    expect(reused.html).toMatch(/already been used or is not valid/)
    expect(reused.html).toContain('name="email"')
    expect((await subscriber(email))!.status).toBe('unsubscribed')
  })

  it('refuses an expired link with a page offering to sign up again', async () => {
    const email = freshAddress()
    await signup({ email })
    const [mail] = await waitForMail(email, isConfirm)
    await sql(`update subscribers set confirm_token_expires_at = now() - interval '1 minute' where email = $1`, [email])
    const res = await pressConfirm(linkIn(mail, '/newsletter/confirm?token='))
    expect(res.html).toContain('This link has expired')
    expect((await subscriber(email))!.status).toBe('pending')
  })

  it('tells a confirmed owner "already subscribed" by email, and the requester nothing new', async () => {
    const email = freshAddress()
    await signup({ email })
    await confirmVia(email)
    await waitForMail(email, isWelcome)
    const again = await signup({ email })
    expect(again.status).toBe(202)
    await waitForMail(email, isAlready)
    expect((await mailTo(email)).filter(isConfirm)).toHaveLength(1)
  })

  it('sends a pending address one confirmation per 10 minutes, however often it is asked', async () => {
    const email = freshAddress()
    for (let i = 0; i < 3; i++) expect((await signup({ email })).status).toBe(202)
    await waitForMail(email, isConfirm)
    await new Promise((r) => setTimeout(r, 2500))
    expect((await mailTo(email)).filter(isConfirm)).toHaveLength(1)
  })

  it('unsubscribes with the page button or a one-click POST, idempotently, and re-signup starts over', async () => {
    const email = freshAddress()
    await signup({ email })
    await confirmVia(email)
    const [welcome] = await waitForMail(email, isWelcome)
    const url = linkIn(welcome, '/newsletter/unsubscribe?token=')

    const get = await page(url)
    expect(get.status).toBe(200)
    expect(get.html).toMatch(/<button[^>]*>Unsubscribe<\/button>/)
    expect((await subscriber(email))!.status).toBe('confirmed') // a GET changes nothing

    for (let i = 0; i < 2; i++) {
      const post = await page(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
      expect(post.status).toBe(303)
      expect(post.location).toContain('/newsletter/unsubscribe?done=1')
      expect((await subscriber(email))!.status).toBe('unsubscribed')
    }
    const forged = await page(`${siteUrl()}/newsletter/unsubscribe?token=MQ.forged`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(forged.location).toContain('done=invalid')
    // A client that asks for JSON gets the result as JSON, the same POST.
    const json = (u: string) =>
      fetch(u, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    const again = await json(url)
    expect([again.status, await again.json()]).toEqual([200, { ok: true, result: 'unsubscribed' }])
    expect((await json(`${siteUrl()}/newsletter/unsubscribe?token=MQ.forged`)).status).toBe(400)

    const firstUnsubscribedAt = (await subscriber(email))!.unsubscribedAt
    expect(firstUnsubscribedAt).toBeTruthy()
    await signup({ email })
    const confirmations = await waitForMail(email, isConfirm, { count: 2 })
    expect((await subscriber(email))!.status).toBe('pending')

    // Confirmed again: subscribed, with no unsubscribe date; unsubscribing again records the new date.
    const latest = confirmations.sort((a, b) => Date.parse(a.date) - Date.parse(b.date)).at(-1)!
    expect((await pressConfirm(linkIn(latest, '/newsletter/confirm?token='))).html).toContain('re subscribed')
    const back = (await subscriber(email))!
    expect(back.status).toBe('confirmed')
    expect(back.unsubscribedAt ?? null).toBeNull()
    await new Promise((r) => setTimeout(r, 20))
    const post = await page(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(post.status).toBe(303)
    const again2 = (await subscriber(email))!
    expect(again2.status).toBe('unsubscribed')
    expect(Date.parse(again2.unsubscribedAt)).toBeGreaterThan(Date.parse(firstUnsubscribedAt))
  })
})

describe('abuse', () => {
  it('a filled honeypot gets the same answer and nothing is stored or sent', async () => {
    const email = freshAddress('bot')
    const normal = await signup({ email: freshAddress() })
    const bot = await signup({ email, website: 'http://spam.example' })
    expect(bot.status).toBe(202)
    expect(bot.text).toBe(normal.text)
    await new Promise((r) => setTimeout(r, 2000))
    expect(await subscriber(email)).toBeUndefined()
    expect(await mailTo(email)).toHaveLength(0)
  })

  it('refuses disposable domains with a sentence', async () => {
    const res = await signup({ email: 'someone@mailinator.com' })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatch(/permanent email address/)
  })

  it('limits signups per address and per IP with 429 and Retry-After', async () => {
    const email = freshAddress()
    for (let i = 0; i < 5; i++) expect((await signup({ email })).status).toBe(202)
    const sixth = await signup({ email })
    expect(sixth.status).toBe(429)
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(sixth.json.error).toMatch(/Too many/)

    const ip = freshIp()
    for (let i = 0; i < 20; i++) expect((await signup({ email: freshAddress() }, { ip })).status).toBe(202)
    const over = await signup({ email: freshAddress() }, { ip })
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('the site passes signups in batches: the CMS answers each in order, limits count each, an address twice in one batch gets one email', async () => {
    const batch = (signups: unknown[]) =>
      fetch(`${process.env.CMS_URL}/api/subscribers/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.NEWSLETTER_SECRET}` },
        body: JSON.stringify({ signups }),
      }).then(async (r) => ({ status: r.status, json: await r.json() }))
    const twice = freshAddress()
    const limited = freshAddress()
    const ip = freshIp()
    const res = await batch([
      { email: twice, ip },
      { email: 'not an address', ip },
      { email: ` ${twice.toUpperCase()}`, ip },
      ...Array.from({ length: 6 }, () => ({ email: limited, ip: freshIp() })),
    ])
    expect(res.status).toBe(200)
    const statuses = res.json.results.map((r: { status: number }) => r.status)
    // The sixth signup of one address within the hour is over SIGNUP_LIMIT_PER_EMAIL (5), as one by one.
    expect(statuses).toEqual([202, 400, 202, 202, 202, 202, 202, 202, 429])
    expect(res.json.results[1].error).toMatch(/email address/i)
    expect(res.json.results[8]).toMatchObject({ error: expect.stringMatching(/Too many/), retryAfter: expect.any(Number) })
    expect((await sql('select count(*)::int as n from subscribers where email = $1', [twice]))[0].n).toBe(1)
    await waitForMail(twice, isConfirm)
    await waitForMail(limited, isConfirm)
    // One confirmation each: a later one would come from the same job within a moment.
    await new Promise((r) => setTimeout(r, 1500))
    expect((await mailTo(twice)).filter(isConfirm)).toHaveLength(1)
    expect((await mailTo(limited)).filter(isConfirm)).toHaveLength(1)

    expect((await batch([])).status).toBe(400)
    const addresses = Array.from({ length: 201 }, () => freshAddress())
    const tooMany = await batch(addresses.map((email) => ({ email })))
    expect(tooMany.status).toBe(400)
    expect(tooMany.json.error).toMatch(/1 to 200/)
    expect((await sql('select count(*)::int as n from subscribers where email = any($1)', [addresses]))[0].n).toBe(0)
  })

  it('a control character in the page a signup came from is refused on its own: it never fails the readers batched with it', async () => {
    // PostgreSQL refuses NUL in text: it once failed the whole batch's transaction (503 for every reader in it).
    const site = await signup({ email: freshAddress(), source: 'home\u0000' })
    expect(site.status).toBe(400)
    expect(site.json.error).toMatch(/page you signed up from/)

    const [good, bad] = [freshAddress(), freshAddress()]
    const res = await fetch(`${process.env.CMS_URL}/api/subscribers/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.NEWSLETTER_SECRET}` },
      body: JSON.stringify({
        signups: [
          { email: good, source: 'home', ip: freshIp() },
          { email: bad, source: 'home\u0000', ip: freshIp() },
        ],
      }),
    })
    expect(res.status).toBe(200)
    expect((await res.json()).results.map((r: { status: number }) => r.status)).toEqual([202, 400])
    await waitForMail(good, isConfirm)
    expect((await sql('select count(*)::int as n from subscribers where email = $1', [bad]))[0].n).toBe(0)
  })

  it('answers identically for new, pending, confirmed and unsubscribed addresses', async () => {
    const pending = freshAddress()
    await signup({ email: pending })
    const confirmed = freshAddress()
    await signup({ email: confirmed })
    await confirmVia(confirmed)
    const unsubscribed = freshAddress()
    await signup({ email: unsubscribed })
    await confirmVia(unsubscribed)
    const [welcome] = await waitForMail(unsubscribed, isWelcome)
    await fetch(linkIn(welcome, '/newsletter/unsubscribe?token='), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect((await subscriber(unsubscribed))!.status).toBe('unsubscribed')

    const answers = await Promise.all([freshAddress(), pending, confirmed, unsubscribed].map((email) => signup({ email })))
    const shape = (a: Awaited<ReturnType<typeof signup>>) => ({
      status: a.status,
      body: a.text,
      headers: [...a.headers.entries()].filter(([k]) => k !== 'date').sort(),
    })
    const [first, ...rest] = answers.map(shape)
    for (const other of rest) expect(other).toEqual(first)
    expect(first.status).toBe(202)
  })

  it('the plain form gets a 303 to a page, and its errors come back beside the field', async () => {
    const ok = await signup(`email=${encodeURIComponent(freshAddress())}&source=home`, { contentType: 'application/x-www-form-urlencoded', accept: 'text/html' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/newsletter/check-your-inbox')
    const bad = await signup('email=not-an-email', { contentType: 'application/x-www-form-urlencoded', accept: 'text/html' })
    expect(bad.status).toBe(303)
    const back = await page(new URL(bad.headers.get('location')!, siteUrl()).toString())
    expect(back.html).toContain('look like an email address')
    expect(back.html).toContain('value="not-an-email"')
  })
})

describe('fuzz: hostile bodies', () => {
  it('10,000 random and hostile bodies: never a 5xx, always a 4xx with a sentence, nothing stored', async () => {
    const before = await subscriberCount()
    const invalidEmail = fc.oneof(
      fc.string({ maxLength: 80 }).filter((s) => !s.includes('@')),
      fc.string({ minLength: 300, maxLength: 5000 }).map((s) => `${s}@example.com`),
      fc.constantFrom(
        'a@b.c\r\nBcc: x@y.z',
        'victim@example.com\nBcc: all@example.com',
        'a@b.c%0d%0aBcc:x@y.z',
        '<script>@x.y',
        '@example.com',
        'a@',
        'a@@b.com',
        'a b@c.com',
        'someone@mailinator.com',
        '"; drop table subscribers; --@x.com',
        'ü@ü',
        '\u0000@x.com',
        'a@localhost',
        'a@-b.com',
      ),
      fc.string({ maxLength: 20 }).map((s) => `${s}\r\n@example.com`),
    )
    const badValue = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
      invalidEmail,
    )
    const body = fc.oneof(
      badValue.map((email) => ({ contentType: 'application/json', body: JSON.stringify({ email, source: 'home' }) })),
      fc.record({ email: badValue, source: fc.oneof(fc.integer(), fc.string({ minLength: 201, maxLength: 400 }), fc.array(fc.string())) }).map((b) => ({
        contentType: 'application/json',
        body: JSON.stringify({ ...b, email: 'valid.looking@example.com'.replace('valid', typeof b.email === 'string' ? 'x' : 'y') }),
      })),
      fc
        .jsonValue({ maxDepth: 6 })
        .filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && 'email' in v))
        .map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
      fc.string({ maxLength: 200 }).map((s) => ({ contentType: 'application/json', body: `{${s}` })),
      fc.string({ minLength: 5000, maxLength: 9000 }).map((s) => ({ contentType: 'application/json', body: JSON.stringify({ email: 'a@example.com', pad: s }) })),
      invalidEmail.map((e) => ({ contentType: 'application/x-www-form-urlencoded', body: `email=${encodeURIComponent(e)}` })),
      fc
        .constantFrom('text/plain', 'application/xml', 'multipart/form-data', '', 'application/json; charset=utf-7', 'image/png')
        .chain((ct) =>
          fc.constant({ contentType: ct, body: JSON.stringify({ email: 'ok@example.com' }) }).map((b) => (ct.startsWith('application/json') ? { ...b, body: '\u0000' } : b)),
        ),
    )
    const samples = fc.sample(body, { numRuns: 10_000, seed: 4 })
    let fourxx = 0
    const failures: string[] = []
    for (let i = 0; i < samples.length; i += 50) {
      const batch = samples.slice(i, i + 50)
      const results = await Promise.all(batch.map((s) => signup(s.body, { contentType: s.contentType })))
      results.forEach((r, j) => {
        const sentence = typeof r.json?.error === 'string' && /[A-Za-z].*\.$/.test(r.json.error)
        if (r.status >= 400 && r.status < 500 && sentence) fourxx++
        else if (failures.length < 5) failures.push(`${r.status} ${r.text.slice(0, 120)} ← ${batch[j].contentType} ${batch[j].body.slice(0, 120)}`)
      })
    }
    expect(failures).toEqual([])
    expect(fourxx).toBe(10_000)
    expect(await subscriberCount()).toBe(before)
  })
})

describe('concurrency', () => {
  it('1,000 concurrent signups over 200 addresses (mixed case and spacing) make 200 subscribers and 200 emails', async () => {
    const tag = `burst${Date.now().toString(36)}`
    const addresses = Array.from({ length: 200 }, (_, i) => `${tag}-${i}@example.com`)
    const variants = (a: string, k: number) => [a, a.toUpperCase(), ` ${a}`, `${a} `, a.replace(tag, tag.toUpperCase())][k]
    const requests = addresses.flatMap((a) => [0, 1, 2, 3, 4].map((k) => () => signup({ email: variants(a, k) })))
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[requests[i], requests[j]] = [requests[j], requests[i]]
    }
    const statuses = await Promise.all(requests.map((r) => r().then((x) => x.status)))
    expect(statuses.filter((s) => s !== 202)).toEqual([])

    const rows = await sql('select count(*)::int as n from subscribers where email like $1', [`${tag}-%`])
    expect(rows[0].n).toBe(200)

    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const mails = (await (await fetch(`${process.env.MAIL_API_URL}/api/email`)).json()).filter(
        (m: { to: { address: string }[]; subject: string }) => m.to[0]?.address.startsWith(tag) && isConfirm(m),
      )
      if (mails.length >= 200) break
      await new Promise((r) => setTimeout(r, 500))
    }
    await new Promise((r) => setTimeout(r, 2000))
    const mails = (await (await fetch(`${process.env.MAIL_API_URL}/api/email`)).json()).filter(
      (m: { to: { address: string }[]; subject: string }) => m.to[0]?.address.startsWith(tag) && isConfirm(m),
    )
    expect(mails).toHaveLength(200)
    expect(new Set(mails.map((m: { to: { address: string }[] }) => m.to[0].address)).size).toBe(200)
  })
})

describe('admins and subscribers', () => {
  it('admins see counts and export CSV; editors and reviewers cannot; erasure leaves only a count', async () => {
    const { rest } = await import('../helpers/api')
    const email = freshAddress('erase')
    await signup({ email, source: 'home' })
    const counts = await rest('GET', '/api/subscribers/counts', { as: 'admin' })
    expect(counts.status).toBe(200)
    expect(counts.body.pending).toBeGreaterThan(0)
    for (const who of ['editor', 'reviewer', 'anonymous'] as const) {
      expect([401, 403]).toContain((await rest('GET', '/api/subscribers/counts', { as: who })).status)
      expect([401, 403]).toContain((await rest('GET', '/api/subscribers/export.csv', { as: who })).status)
      expect([401, 403]).toContain((await rest('GET', '/api/subscribers', { as: who })).status)
    }
    const csv = await rest('GET', '/api/subscribers/export.csv', { as: 'admin' })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expect(String(csv.body).split('\r\n')[0]).toBe('email,status,created_at,signed_up_at,confirmed_at,unsubscribed_at,source_page')
    expect(String(csv.body)).toContain(`"${email}","pending"`)

    const search = await rest('GET', `/api/subscribers?where[email][like]=${encodeURIComponent(email.split('@')[0])}`, { as: 'admin' })
    expect(search.body.totalDocs).toBe(1)

    const erasedBefore = counts.body.erased
    const sub = await subscriber(email)
    expect((await rest('DELETE', `/api/subscribers/${sub!.id}`, { as: 'admin' })).status).toBe(200)
    expect(await subscriber(email)).toBeUndefined()
    const after = await rest('GET', '/api/subscribers/counts', { as: 'admin' })
    expect(after.body.erased).toBe(erasedBefore + 1)
    expect(String((await rest('GET', '/api/subscribers/export.csv', { as: 'admin' })).body)).not.toContain(email)
  })

  it('the CMS signup endpoint refuses callers without the shared secret', async () => {
    const res = await fetch(`${process.env.CMS_URL}/api/subscribers/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: JSON.stringify({ email: freshAddress() }),
    })
    expect(res.status).toBe(401)
  })
})
