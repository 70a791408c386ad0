// The one client for the CMS REST API: the tests (tests/helpers/api.ts) and the bench
// (scripts/bench/cms.mjs) sign in and send requests through it, the way a real client does.

/** The seeded staff accounts (apps/cms/src/seed). */
export const accounts = {
  admin: 'admin@runsense.local',
  editor: 'editor@runsense.local',
  editor2: 'editor2@runsense.local',
  reviewer: 'reviewer@runsense.local',
  reviewer2: 'reviewer2@runsense.local',
}

/**
 * One request; the answer's body parsed as JSON when it is JSON, else its text.
 * @param {string} baseUrl @param {string} method @param {string} path
 * @param {{ token?: string, body?: unknown, headers?: Record<string, string>, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
 */
export async function request(baseUrl, method, path, { token, body, headers = {}, timeoutMs } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `JWT ${token}` } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
  })
  const text = await res.text()
  let parsed = text
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers }
}

/**
 * One real sign-in (POST /api/users/login), nothing cached. `client` is sent as X-Forwarded-For.
 * @param {string} baseUrl @param {string} email @param {string} password @param {{ client?: string }} [opts]
 */
export async function signIn(baseUrl, email, password, { client } = {}) {
  const res = await request(baseUrl, 'POST', '/api/users/login', { body: { email, password }, headers: client ? { 'x-forwarded-for': client } : {} })
  const body = res.body && typeof res.body === 'object' ? res.body : null
  return { status: res.status, token: body?.token, body, headers: res.headers }
}

/** A client that signs in as the seeded accounts (a token per account, kept once signed in). */
export function cmsClient(baseUrl, { password = process.env.SEED_PASSWORD || 'runsense-demo-2026', timeoutMs } = {}) {
  const tokens = new Map()
  async function login(who) {
    if (tokens.has(who)) return tokens.get(who)
    const res = await signIn(baseUrl, accounts[who], password)
    if (res.status !== 200 || !res.token) throw new Error(`login as ${who} failed: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`)
    tokens.set(who, res.token)
    return res.token
  }
  const rest = async (method, path, { as, body } = {}) => request(baseUrl, method, path, { token: as && as !== 'anonymous' ? await login(as) : undefined, body, timeoutMs })
  /** A request that must answer `expect`, else throws with the answer. */
  async function must(expect, method, path, opts) {
    const res = await rest(method, path, opts)
    if (res.status !== expect)
      throw new Error(`${method} ${path}${opts?.as ? ` as ${opts.as}` : ''} answered ${res.status} (expected ${expect}): ${JSON.stringify(res.body).slice(0, 300)}`)
    return res.body
  }
  return { login, rest, must }
}

/**
 * A minimal valid Lexical state with one paragraph (and optional citations of sources by id).
 * @param {string} text @param {(number | string)[]} [citeSourceIds]
 */
export function lexical(text, citeSourceIds = []) {
  const children = [{ type: 'text', text, format: 0, detail: 0, mode: 'normal', style: '', version: 1 }]
  citeSourceIds.forEach((source, i) =>
    children.push({
      type: 'inlineBlock',
      version: 1,
      fields: { id: `65f0000000000000000000${String(i).padStart(2, '0')}`, blockType: 'citation', blockName: '', source },
    }),
  )
  return {
    root: {
      type: 'root',
      format: '',
      indent: 0,
      version: 1,
      direction: 'ltr',
      children: [{ type: 'paragraph', format: '', indent: 0, version: 1, direction: 'ltr', textFormat: 0, children }],
    },
  }
}

let counter = 0
/**
 * Data for a new guide with every field the publish gate asks for and a unique slug; pass
 * overrides for what the test (or the bench) is about.
 * @param {Record<string, unknown>} [overrides]
 */
export function guideData(overrides = {}) {
  const n = `${Date.now().toString(36)}-${++counter}`
  return {
    title: `Test guide ${n}`,
    slug: `test-guide-${n}`,
    summary: 'A guide created by a test.',
    byline: 'Runsense',
    body: lexical('Body text written by a test.'),
    disclaimer: 'General education, not medical advice.',
    safety: lexical('Stop if it hurts.'),
    ...overrides,
  }
}
