/**
 * Helpers for tests that talk to the running CMS and site (started by scripts/test.mjs).
 * One place for logins and requests, so every test asks the same way a real client would.
 */
import { accounts, cmsClient, guideData, lexical, signIn as signInAt } from './cms-client.mjs'

export const cmsUrl = () => process.env.CMS_URL || 'http://localhost:3101'
export const siteUrl = () => process.env.SITE_URL || 'http://localhost:3100'
export const seedPassword = () => process.env.SEED_PASSWORD || 'runsense-demo-2026'

export { accounts }
export type Who = keyof typeof accounts | 'anonymous'

/** The one CMS client (cms-client.mjs), made on first use: the runner sets CMS_URL before the tests start. */
let client: ReturnType<typeof cmsClient> | undefined
const shared = () => (client ??= cmsClient(cmsUrl(), { password: seedPassword() }))

/**
 * A JWT for a seeded staff account, kept for the rest of the test file as a real client keeps
 * its session. Callers that ask at the same time each sign in (concurrent sign-ins of one
 * account all stay valid; tests/int/staff-accounts.int.test.ts checks it).
 */
export const loginAs = async (who: Who): Promise<string | undefined> => (who === 'anonymous' ? undefined : shared().login(who))

/** One real sign-in (POST /api/users/login), nothing cached; `client` is sent as X-Forwarded-For. */
export const signIn = (email: string, password: string, opts: { client?: string } = {}) => signInAt(cmsUrl(), email, password, opts)

/** The account a token signs in as right now (GET /api/users/me), or null when it no longer does. */
export async function whoIs(token: string): Promise<{ id: number; email: string } | null> {
  const res = await fetch(`${cmsUrl()}/api/users/me`, { headers: { authorization: `JWT ${token}` } })
  const body = (await res.json()) as { user?: { id: number; email: string } | null }
  return body.user ?? null
}

let staffCounter = 0
/** A new staff account of its own for a test (made by the seeded admin), so no test disturbs another's logins. */
export async function createStaffAccount(role: 'admin' | 'editor' | 'reviewer' = 'editor') {
  const email = `staff-${Date.now().toString(36)}-${++staffCounter}@runsense.local`
  const password = `pw-${Math.random().toString(36).slice(2)}-${staffCounter}`
  const res = await rest('POST', '/api/users', { as: 'admin', body: { email, password, name: `Test ${role} ${staffCounter}`, role } })
  if (res.status !== 201) throw new Error(`create staff account failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.doc.id as number, email, password }
}

export type ApiResult<T = any> = { status: number; body: T; headers: Headers }

export const rest = <T = any>(method: string, path: string, opts: { as?: Who; body?: unknown } = {}): Promise<ApiResult<T>> => shared().rest(method, path, opts)

export async function graphql<T = any>(query: string, { as = 'anonymous', variables }: { as?: Who; variables?: Record<string, unknown> } = {}) {
  const token = await loginAs(as)
  const res = await fetch(`${cmsUrl()}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `JWT ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  })
  return { status: res.status, body: (await res.json()) as { data?: T; errors?: { message: string; path?: (string | number)[] }[] } }
}

export { guideData, lexical }

/** POST a workflow action as someone; returns status and body. */
export const act = (id: number, as: Who, action: string, extra: Record<string, unknown> = {}) => rest('POST', `/api/articles/${id}/workflow`, { as, body: { action, ...extra } })

export const workflowOf = (id: number, as: Who = 'editor') => rest('GET', `/api/articles/${id}/workflow`, { as })

/** The seeded reviewer profiles' ids: Raphael (reviewer@) and the demo reviewer (reviewer2@). */
export async function reviewerIds() {
  const res = await rest('GET', '/api/reviewers?where[slug][in]=raphael-crawford-marks,demo-reviewer&depth=0')
  const bySlug = Object.fromEntries(res.body.docs.map((r: { slug: string; id: number }) => [r.slug, r.id]))
  return { raphael: bySlug['raphael-crawford-marks'] as number, demo: bySlug['demo-reviewer'] as number }
}

/** A new draft guide written by `author`. */
export async function createGuide(author: Who = 'editor', overrides: Record<string, unknown> = {}) {
  const res = await rest('POST', '/api/articles', { as: author, body: guideData(overrides) })
  if (res.status !== 201) throw new Error(`create guide failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.doc as { id: number; slug: string; title: string }
}

/** Walks a new guide to the given stage through the real API (editor writes, editor2 sends, reviewer signs). */
export async function guideAt(stage: 'draft' | 'editorial_review' | 'medical_review' | 'approved' | 'published' | 'archived', overrides: Record<string, unknown> = {}) {
  if (stage === 'archived') {
    const guide = await createGuide('editor', overrides)
    const res = await act(guide.id, 'editor', 'archive')
    if (res.status !== 200) throw new Error(`archive as editor failed: ${res.status} ${JSON.stringify(res.body)}`)
    return guide
  }
  const guide = await createGuide('editor', overrides)
  const { raphael } = await reviewerIds()
  const steps: [Who, string, Record<string, unknown>?][] = [
    ['editor', 'submit'],
    ['editor2', 'send_to_medical_review', { reviewer: raphael }],
    ['reviewer', 'sign_off'],
    ['editor', 'publish'],
  ]
  const order = ['draft', 'editorial_review', 'medical_review', 'approved', 'published']
  for (const [who, action, extra] of steps.slice(0, order.indexOf(stage))) {
    const res = await act(guide.id, who, action, extra)
    if (res.status !== 200) throw new Error(`${action} as ${who} failed: ${res.status} ${JSON.stringify(res.body)}`)
  }
  return guide
}
