// The bench's client for the CMS REST API: logins with the seeded accounts and the review
// workflow, the same requests tests/helpers/api.ts makes (POST /api/articles, then
// POST /api/articles/:id/workflow { action }).

export const accounts = {
  admin: 'admin@runsense.local',
  editor: 'editor@runsense.local',
  editor2: 'editor2@runsense.local',
  reviewer: 'reviewer@runsense.local',
}

/** A minimal valid Lexical state with one paragraph. */
export const lexical = (text) => ({
  root: {
    type: 'root',
    format: '',
    indent: 0,
    version: 1,
    direction: 'ltr',
    children: [
      {
        type: 'paragraph',
        format: '',
        indent: 0,
        version: 1,
        direction: 'ltr',
        textFormat: 0,
        children: [{ type: 'text', text, format: 0, detail: 0, mode: 'normal', style: '', version: 1 }],
      },
    ],
  },
})

/** A guide like the tests' guideData(): every field the publish gate asks for. */
export const guideData = (slug, title) => ({
  title,
  slug,
  summary: 'A guide created by the bench.',
  byline: 'Runsense',
  body: lexical('Body text written by the bench.'),
  disclaimer: 'General education, not medical advice.',
  safety: lexical('Stop if it hurts.'),
})

export function cmsClient(baseUrl, password = process.env.SEED_PASSWORD || 'runsense-demo-2026') {
  const tokens = new Map()

  // A token per account, kept once signed in, as a real client keeps its session. Callers that
  // ask at the same time each sign in: concurrent sign-ins of one account all stay valid.
  async function login(who) {
    if (tokens.has(who)) return tokens.get(who)
    const res = await fetch(`${baseUrl}/api/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: accounts[who], password }),
    })
    const json = await res.json().catch(() => ({}))
    if (!res.ok || !json.token) throw new Error(`login as ${who} failed: ${res.status} ${JSON.stringify(json).slice(0, 200)}`)
    tokens.set(who, json.token)
    return json.token
  }

  async function rest(method, path, { as, body } = {}) {
    const token = as ? await login(as) : undefined
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `JWT ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    let parsed = text
    try {
      parsed = JSON.parse(text)
    } catch {}
    return { status: res.status, body: parsed }
  }

  /** A request that must answer `expect`, else throws with the answer. */
  async function must(expect, method, path, opts) {
    const res = await rest(method, path, opts)
    if (res.status !== expect) throw new Error(`${method} ${path}${opts?.as ? ` as ${opts.as}` : ''} answered ${res.status} (expected ${expect}): ${JSON.stringify(res.body).slice(0, 300)}`)
    return res.body
  }

  const act = (id, as, action, extra = {}) => must(200, 'POST', `/api/articles/${id}/workflow`, { as, body: { action, ...extra } })

  async function reviewerId(slug = 'raphael-crawford-marks') {
    const body = await must(200, 'GET', `/api/reviewers?where[slug][equals]=${slug}&depth=0`)
    const id = body.docs?.[0]?.id
    if (!id) throw new Error(`no reviewer with slug ${slug} in the seeded data`)
    return id
  }

  /** A new guide, through the real workflow up to (and including) publish; returns the POST publish's end time. */
  async function createAndPublish(data, reviewer) {
    const created = await must(201, 'POST', '/api/articles', { as: 'editor', body: data })
    const id = created.doc.id
    await act(id, 'editor', 'submit')
    await act(id, 'editor2', 'send_to_medical_review', { reviewer })
    await act(id, 'reviewer', 'sign_off')
    await act(id, 'editor', 'publish')
    return { id, publishedAt: performance.now() }
  }

  /** An edit to a live guide (new title by editor2), reviewed again and republished. */
  async function editAndRepublish(id, title, reviewer) {
    await must(200, 'PATCH', `/api/articles/${id}`, { as: 'editor2', body: { title } })
    await act(id, 'editor2', 'submit')
    await act(id, 'editor', 'send_to_medical_review', { reviewer })
    await act(id, 'reviewer', 'sign_off')
    await act(id, 'editor', 'publish', { note: 'New title.' })
    return { publishedAt: performance.now() }
  }

  return { login, rest, must, act, reviewerId, createAndPublish, editAndRepublish }
}
