/**
 * Who may do what: every collection × create/read/update/delete × every kind of user, over
 * REST and GraphQL, and every workflow action × every kind of user. Each cell asserts allowed
 * or refused, and a refused write is checked to have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Payload } from 'payload'
import { act, createGuide, graphql, guideAt, guideData, loginAs, rest, reviewerIds, type Who } from '../helpers/api'
import { localPayload } from '../helpers/payload'

const WHO: Who[] = ['anonymous', 'editor', 'editor2', 'reviewer', 'reviewer2', 'admin']
type Op = 'create' | 'read' | 'update' | 'delete'
type Allowed = Record<Op, Who[]>

const staff: Who[] = ['editor', 'editor2', 'reviewer', 'reviewer2', 'admin']
const editors: Who[] = ['editor', 'editor2', 'admin']
const admin: Who[] = ['admin']

const MATRIX: Record<string, { gql: [string, string]; allowed: Allowed }> = {
  articles: { gql: ['Article', 'Articles'], allowed: { create: editors, read: staff, update: editors, delete: admin } },
  // A profile is what readers trust beside every sign-off: only admins create or change one (a reviewer edits only their own bio).
  reviewers: { gql: ['Reviewer', 'Reviewers'], allowed: { create: admin, read: WHO, update: admin, delete: admin } },
  sources: { gql: ['Source', 'Sources'], allowed: { create: editors, read: WHO, update: editors, delete: admin } },
  users: { gql: ['User', 'Users'], allowed: { create: admin, read: staff, update: admin, delete: admin } },
  subscribers: { gql: ['Subscriber', 'Subscribers'], allowed: { create: [], read: admin, update: [], delete: admin } },
  'workflow-events': { gql: ['WorkflowEvent', 'WorkflowEvents'], allowed: { create: [], read: staff, update: [], delete: [] } },
  // A topic's name is read as a heading outside every sign-off: only admins create one (editors change only its description).
  topics: { gql: ['Topic', 'Topics'], allowed: { create: admin, read: WHO, update: editors, delete: admin } },
  'editorial-notes': { gql: ['EditorialNote', 'EditorialNotes'], allowed: { create: staff, read: staff, update: [], delete: [] } },
  'audit-log': { gql: ['AuditLogEntry', 'AuditLogEntries'], allowed: { create: [], read: admin, update: [], delete: [] } },
  'reader-reports': { gql: ['ReaderReport', 'ReaderReports'], allowed: { create: [], read: staff, update: editors, delete: admin } },
  // Passkeys of reviewer@ (the target's owner): only the owner and admins see or rename one; created
  // only by the registration check, never deleted (tests/int/passkeys.int.test.ts covers the rest).
  'reviewer-passkeys': { gql: ['ReviewerPasskey', 'ReviewerPasskeys'], allowed: { create: [], read: ['reviewer', 'admin'], update: ['reviewer', 'admin'], delete: [] } },
  // A draft issue: staff only (readers see sent issues alone); editors write, reviewers may not send or edit.
  'newsletter-issues': { gql: ['NewsletterIssue', 'NewsletterIssues'], allowed: { create: editors, read: staff, update: editors, delete: admin } },
  // Written only by the bounce webhook and erasure; addresses: admins only.
  'newsletter-suppressions': { gql: ['NewsletterSuppression', 'NewsletterSuppressions'], allowed: { create: [], read: admin, update: [], delete: [] } },
  // Written only by sign-in itself.
  'staff-sign-ins': { gql: ['StaffSignIn', 'StaffSignIns'], allowed: { create: [], read: admin, update: [], delete: [] } },
}
let noteArticle: number | undefined

let payload: Payload
let seq = 0
const unique = () => `${Date.now().toString(36)}${++seq}`

/** A fresh record to read, update or delete, made with server rights (not through the API under test). */
async function target(collection: string): Promise<number> {
  const u = unique()
  const data: Record<string, Record<string, unknown>> = {
    articles: { ...guideData(), _status: 'draft' },
    reviewers: { name: `Matrix Reviewer ${u}`, role: 'Test' },
    sources: { title: `Matrix source ${u}` },
    users: { email: `matrix-${u}@runsense.local`, password: 'matrix-pass-1', name: 'Matrix', role: 'editor' },
    subscribers: { email: `matrix-${u}@example.com`, status: 'pending' },
    topics: { name: `Matrix topic ${u}` },
    'editorial-notes': { article: await noteArticleId(), body: `Matrix note ${u}` },
    'audit-log': { entity: 'reviewers', entityId: 1, action: 'update', summary: `Matrix entry ${u}` },
    'reader-reports': { article: await noteArticleId(), guideSlug: 'matrix', message: `Matrix report ${u}`, status: 'open' },
    // Retired, so reviewer@ still signs off without a passkey in the other tests.
    'reviewer-passkeys': collection === 'reviewer-passkeys' ? { ...passkeyData(u), user: await reviewerUserId(), retiredAt: new Date().toISOString() } : {},
    'newsletter-issues': { subject: `Matrix issue ${u}` },
    'newsletter-suppressions': { emailHash: `matrix-${u}`, reason: 'hard_bounce', at: new Date().toISOString() },
    'staff-sign-ins': { email: `matrix-${u}@runsense.local`, outcome: 'failed', clientHash: `matrix-${u}` },
  }
  if (collection === 'workflow-events') {
    const guide = await guideAt('editorial_review')
    const { docs } = await payload.find({ collection: 'workflow-events', where: { article: { equals: guide.id } }, limit: 1 })
    return docs[0].id as number
  }
  // Any collection of the matrix: typed loosely, each row's data is that collection's.
  const doc = (await payload.create({
    collection: collection as never,
    data: data[collection] as never,
    draft: collection === 'articles',
    context: { workflow: 'test-fixture' },
  })) as { id: number }
  return doc.id
}

const passkeyData = (u: string) => ({
  name: `Matrix key ${u}`,
  credentialId: `matrix-${u}`,
  publicKey: 'pQECAyYgASFYIA',
  jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
  algorithm: -7,
  addedAt: new Date().toISOString(),
})
let reviewerUser: number | undefined
async function reviewerUserId() {
  reviewerUser ??= (await payload.find({ collection: 'users', where: { email: { equals: 'reviewer@runsense.local' } }, limit: 1 })).docs[0].id as number
  return reviewerUser
}

async function noteArticleId() {
  noteArticle ??= (await createGuide('editor')).id
  return noteArticle
}

function newData(collection: string): Record<string, unknown> {
  const u = unique()
  return (
    {
      articles: guideData(),
      reviewers: { name: `New Reviewer ${u}`, slug: `new-reviewer-${u}`, role: 'Test' },
      sources: { title: `New source ${u}` },
      users: { email: `new-${u}@runsense.local`, password: 'new-pass-123', name: 'New', role: 'editor' },
      subscribers: { email: `new-${u}@example.com`, status: 'pending' },
      'workflow-events': { article: 1, action: 'publish', fromStage: 'approved', toStage: 'published' },
      topics: { name: `New topic ${u}`, slug: `new-topic-${u}` },
      'editorial-notes': { article: noteArticle ?? 1, body: `New note ${u}` },
      'audit-log': { entity: 'reviewers', entityId: 1, action: 'update', summary: `Forged ${u}` },
      'reader-reports': { article: noteArticle ?? 1, message: `Forged report ${u}`, status: 'open' },
      'reviewer-passkeys': { ...passkeyData(u), user: reviewerUser ?? 1 },
      'newsletter-issues': { subject: `New issue ${u}`, slug: `new-issue-${u}`, status: 'draft' },
      'newsletter-suppressions': { emailHash: `forged-${u}`, reason: 'complaint', at: new Date().toISOString() },
      'staff-sign-ins': { email: `forged-${u}@runsense.local`, outcome: 'signed_in', clientHash: `forged-${u}` },
    } as Record<string, Record<string, unknown>>
  )[collection]
}

const updateData: Record<string, Record<string, unknown>> = {
  articles: { summary: 'Changed by the matrix.' },
  reviewers: { bio: 'Changed by the matrix.' },
  sources: { note: 'Changed by the matrix.' },
  users: { name: 'Changed by the matrix' },
  subscribers: { status: 'confirmed' },
  'workflow-events': { note: 'Changed by the matrix.' },
  topics: { description: 'Changed by the matrix.' },
  'editorial-notes': { body: 'Changed by the matrix.' },
  'audit-log': { summary: 'Changed by the matrix.' },
  'reader-reports': { status: 'closed', outcome: 'no_change' },
  'reviewer-passkeys': { name: 'Changed by the matrix.' },
  'newsletter-issues': { subject: 'Changed by the matrix.' },
  'newsletter-suppressions': { reason: 'complaint' },
  'staff-sign-ins': { outcome: 'throttled' },
}
const changedField = (c: string) => Object.keys(updateData[c])[0]

beforeAll(async () => {
  payload = await localPayload()
  await noteArticleId()
  await reviewerUserId()
})
afterAll(async () => payload?.destroy())

const exists = async (collection: string, id: number) => (await payload.count({ collection: collection as never, where: { id: { equals: id } } })).totalDocs === 1
const fieldOf = async (collection: string, id: number, field: string) =>
  ((await payload.findByID({ collection: collection as never, id, draft: true, depth: 0 })) as Record<string, unknown>)[field]

describe.each(Object.entries(MATRIX))('%s over REST', (collection, { allowed }) => {
  it.each(WHO)('read by %s', async (who) => {
    const id = await target(collection)
    const res = await rest('GET', `/api/${collection}/${id}?depth=0`, { as: who })
    if (allowed.read.includes(who)) expect(res.status).toBe(200)
    else expect([401, 403, 404]).toContain(res.status)
  })
  it.each(WHO)('create by %s', async (who) => {
    const res = await rest('POST', `/api/${collection}`, { as: who, body: newData(collection) })
    if (allowed.create.includes(who)) expect(res.status, JSON.stringify(res.body)).toBe(201)
    else expect([401, 403]).toContain(res.status)
  })
  it.each(WHO)('update by %s', async (who) => {
    const id = await target(collection)
    const field = changedField(collection)
    const before = await fieldOf(collection, id, field)
    const res = await rest('PATCH', `/api/${collection}/${id}`, { as: who, body: updateData[collection] })
    if (allowed.update.includes(who)) {
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(await fieldOf(collection, id, field)).toBe(updateData[collection][field])
    } else {
      expect([401, 403, 404]).toContain(res.status)
      expect(await fieldOf(collection, id, field)).toEqual(before)
    }
  })
  it.each(WHO)('delete by %s', async (who) => {
    const id = await target(collection)
    const res = await rest('DELETE', `/api/${collection}/${id}`, { as: who })
    if (allowed.delete.includes(who)) {
      expect(res.status).toBe(200)
      expect(await exists(collection, id)).toBe(false)
    } else {
      expect([401, 403, 404]).toContain(res.status)
      expect(await exists(collection, id)).toBe(true)
    }
  })
})

describe.each(Object.entries(MATRIX))('%s over GraphQL', (collection, { gql: [one, many], allowed }) => {
  it.each(WHO)('read by %s', async (who) => {
    const id = await target(collection)
    const res = await graphql(`{ ${one}(id: ${id}${collection === 'articles' ? ', draft: true' : ''}) { id } }`, { as: who })
    if (allowed.read.includes(who)) expect(res.body.data?.[one]?.id).toBe(id)
    else expect(res.body.data?.[one] ?? null).toBeNull()
    const list = await graphql(`{ ${many}(limit: 1) { totalDocs } }`, { as: who })
    if (allowed.read.includes(who)) expect(list.body.data?.[many]?.totalDocs).toBeGreaterThan(0)
  })
  it.each(WHO)('create by %s', async (who) => {
    const res = await graphql(`mutation ($data: mutation${one}Input!) { create${one}(data: $data) { id } }`, { as: who, variables: { data: newData(collection) } })
    if (allowed.create.includes(who)) expect(res.body.data?.[`create${one}`]?.id, JSON.stringify(res.body)).toBeTruthy()
    else expect(res.body.data?.[`create${one}`] ?? null).toBeNull()
  })
  it.each(WHO)('update by %s', async (who) => {
    const id = await target(collection)
    const field = changedField(collection)
    const before = await fieldOf(collection, id, field)
    const res = await graphql(`mutation ($data: mutation${one}UpdateInput!) { update${one}(id: ${id}, data: $data) { id } }`, {
      as: who,
      variables: { data: updateData[collection] },
    })
    if (allowed.update.includes(who)) {
      expect(res.body.data?.[`update${one}`]?.id, JSON.stringify(res.body)).toBe(id)
      expect(await fieldOf(collection, id, field)).toBe(updateData[collection][field])
    } else {
      expect(res.body.data?.[`update${one}`] ?? null).toBeNull()
      expect(await fieldOf(collection, id, field)).toEqual(before)
    }
  })
  it.each(WHO)('delete by %s', async (who) => {
    const id = await target(collection)
    const res = await graphql(`mutation { delete${one}(id: ${id}) { id } }`, { as: who })
    if (allowed.delete.includes(who)) expect(await exists(collection, id)).toBe(false)
    else {
      expect(res.body.data?.[`delete${one}`] ?? null).toBeNull()
      expect(await exists(collection, id)).toBe(true)
    }
  })
})

describe('staff may edit their own account but not their role', () => {
  it.each(staff)('%s', async (who) => {
    const me = (await rest('GET', '/api/users/me', { as: who })).body.user
    const res = await rest('PATCH', `/api/users/${me.id}`, { as: who, body: { name: me.name, role: 'admin' } })
    expect(res.status).toBe(200)
    expect((await rest('GET', '/api/users/me', { as: who })).body.user.role).toBe(me.role)
  })
})

/** Each workflow action from the stage it applies to, by each kind of user. */
const ACTION_MATRIX: {
  action: string
  stage: 'draft' | 'editorial_review' | 'medical_review' | 'approved' | 'published' | 'archived'
  allowed: Who[]
  extra?: () => Promise<Record<string, unknown>>
  /** What happens to the guide after it reaches `stage`, before the action (as its author, editor2 being the other editor). */
  prepare?: (id: number) => Promise<void>
}[] = [
  { action: 'submit', stage: 'draft', allowed: editors },
  { action: 'request_changes', stage: 'editorial_review', allowed: editors, extra: async () => ({ note: 'Please fix.' }) },
  { action: 'request_changes', stage: 'medical_review', allowed: ['reviewer'], extra: async () => ({ note: 'Please fix.' }) },
  // editor wrote the guide: four eyes refuses them.
  { action: 'send_to_medical_review', stage: 'editorial_review', allowed: ['editor2', 'admin'], extra: async () => ({ reviewer: (await reviewerIds()).raphael }) },
  { action: 'sign_off', stage: 'medical_review', allowed: ['reviewer'] },
  { action: 'publish', stage: 'approved', allowed: editors },
  { action: 'schedule_publish', stage: 'approved', allowed: editors, extra: async () => ({ at: new Date(Date.now() + 86_400_000).toISOString() }) },
  { action: 'unpublish', stage: 'published', allowed: editors },
  { action: 'archive', stage: 'draft', allowed: editors },
  { action: 'start_review', stage: 'published', allowed: editors },
  // The desk's restore (issue 18): editors and admins bring an archived guide back as a draft.
  { action: 'restore', stage: 'archived', allowed: editors },
  // "Discard my changes" (issue 18): a live guide edited after its sign-off goes back to the signed text.
  {
    action: 'discard_changes',
    stage: 'published',
    allowed: editors,
    prepare: async (id) => {
      const res = await rest('PATCH', `/api/articles/${id}`, { as: 'editor', body: { title: `A title nobody signed ${Date.now()}` } })
      if (res.status !== 200) throw new Error(`edit failed: ${res.status} ${JSON.stringify(res.body)}`)
    },
  },
]

describe.each(ACTION_MATRIX)('workflow $action from $stage', ({ action, stage, allowed, extra, prepare }) => {
  it.each(WHO)('by %s', async (who) => {
    const guide = await guideAt(stage)
    await prepare?.(guide.id)
    const before = (await rest('GET', `/api/articles/${guide.id}/workflow`, { as: 'admin' })).body
    const res = await act(guide.id, who, action, extra ? await extra() : {})
    const after = (await rest('GET', `/api/articles/${guide.id}/workflow`, { as: 'admin' })).body
    if (allowed.includes(who)) {
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(after.stage).toBe(res.body.stage)
      // Every action taken is one audit event (schedule_publish keeps the stage, so the stage alone proves nothing).
      expect(after.history.length).toBe(before.history.length + 1)
      expect(after.history.at(-1).action).toBe(action)
    } else {
      expect(res.status).toBe(who === 'anonymous' ? 401 : 403)
      expect(typeof res.body.error).toBe('string')
      expect(after.stage).toBe(before.stage)
      expect(after.history.length).toBe(before.history.length)
    }
  })
})

it('a new guide starts with the workflow fields at their defaults, whatever the request says', async () => {
  const guide = await createGuide('editor', { stage: 'approved', lastReviewedAt: '2020-01-01T00:00:00.000Z' })
  const wf = (await rest('GET', `/api/articles/${guide.id}/workflow`, { as: 'editor' })).body
  expect(wf.stage).toBe('draft')
  expect(wf.lastReviewedAt).toBeNull()
})

/**
 * Readers get what the site shows and can filter or sort on nothing else: the workflow and staff
 * fields of a published guide (who signed it off, who wrote it last, its notes, its stage) are
 * neither in anonymous answers nor usable in `where` or `sort`, where they would answer yes/no
 * questions about staff data (does this session id exist? which guides have staff notes?).
 */
describe('anonymous readers and the staff-only fields of published guides', () => {
  const STAFF_ONLY = ['stage', 'assignedReviewer', 'lastAuthor', 'reviewFlag', 'scheduledPublish', 'overdueNotifiedAt', 'editorialNotes']
  // What the site renders, and what anyone needs to verify the sign-off (review.json): the signed
  // fields, the source snapshot, the review history, and the sign-off's hash, date and reviewer.
  const RENDERED = [
    'title',
    'slug',
    'summary',
    'byline',
    'body',
    'disclaimer',
    'safety',
    'topics',
    'reviewer',
    'lastReviewedAt',
    'nextReviewDue',
    'updatedAt',
    'reviewIntervalMonths',
    'citedSources',
    'reviewHistory',
    'signOff',
  ]
  let guide: { id: number; slug: string }
  let editorId: number
  let sessionId: string

  beforeAll(async () => {
    guide = await guideAt('published')
    await payload.create({ collection: 'editorial-notes', data: { article: guide.id, body: 'Staff only: check the second study.' } })
    const { docs } = await payload.find({ collection: 'users', where: { email: { equals: 'editor@runsense.local' } }, showHiddenFields: true, depth: 0 })
    editorId = docs[0].id as number
    await loginAs('editor')
    const sessions = ((await payload.findByID({ collection: 'users', id: editorId, showHiddenFields: true, depth: 0 })) as { sessions?: { id: string }[] }).sessions ?? []
    sessionId = sessions[0]?.id ?? ''
  })

  it('staff see the workflow fields of the guide (the fixture is real)', async () => {
    const res = await rest('GET', `/api/articles/${guide.id}?depth=0`, { as: 'editor' })
    expect(res.status).toBe(200)
    expect(res.body.lastAuthor).toBe(editorId)
    expect(res.body.signOff.user).toEqual(expect.any(Number))
    expect(res.body.stage).toBe('published')
    expect(sessionId).not.toBe('')
    const filtered = await rest('GET', `/api/articles?where[editorialNotes][exists]=true&where[id][equals]=${guide.id}&depth=0`, { as: 'editor' })
    expect(filtered.status).toBe(200)
    expect(filtered.body.docs.map((d: { id: number }) => d.id)).toEqual([guide.id])
  })

  it.each([0, 1])('anonymous reads at depth %i carry only what the site renders', async (depth) => {
    for (const path of [`/api/articles/${guide.id}?depth=${depth}`, `/api/articles?where[id][equals]=${guide.id}&depth=${depth}`]) {
      const res = await rest('GET', path)
      expect(res.status).toBe(200)
      const doc = res.body.docs ? res.body.docs[0] : res.body
      expect(doc.id).toBe(guide.id)
      for (const field of STAFF_ONLY) expect(doc, `${path}: ${field}`).not.toHaveProperty(field)
      for (const field of RENDERED) expect(doc, `${path}: ${field}`).toHaveProperty(field)
      // Of the sign-off, readers get what they can verify, not the account that clicked or the version row.
      expect(doc.signOff.hash).toMatch(/^[0-9a-f]{64}$/)
      expect(doc.signOff).not.toHaveProperty('user')
      expect(doc.signOff).not.toHaveProperty('version')
    }
  })

  it.each([
    ['a session id of a staff account', () => `where[lastAuthor.sessions.id][equals]=${sessionId}`],
    ['which guides have staff notes', () => 'where[editorialNotes][exists]=true'],
    ['the note text', () => 'where[editorialNotes.body][like]=second'],
    ['who signed off', () => `where[signOff.user][equals]=${editorId}`],
    ['who wrote it last', () => `where[lastAuthor][equals]=${editorId}`],
    ["a staff account's email", () => 'where[lastAuthor.email][like]=editor'],
    ['the workflow stage', () => 'where[stage][equals]=published'],
    ['the assigned reviewer', () => 'where[assignedReviewer][exists]=true'],
    ['a sort on who signed off', () => 'sort=signOff.user'],
    ['a sort on the last author', () => 'sort=-lastAuthor'],
    ['an or-branch hiding a staff field', () => `where[or][0][id][equals]=${guide.id}&where[or][1][signOff.user][equals]=${editorId}`],
  ])('anonymous filter on %s is refused', async (_what, query) => {
    const res = await rest('GET', `/api/articles?${query()}&depth=0`)
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.docs).toBeUndefined()
  })

  it('the same over GraphQL: no staff fields, no filter on them', async () => {
    const read = await graphql(`{ Article(id: ${guide.id}) { id title signOff { user { id } reviewer { id } at hash } lastAuthor { id } stage } }`)
    expect(read.body.data?.Article?.id).toBe(guide.id)
    // GraphQL withholds who signed off; the signed hash and date are public, as in review.json.
    expect(read.body.data?.Article?.signOff?.user ?? null).toBeNull()
    expect(read.body.data?.Article?.signOff?.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(read.body.data?.Article?.lastAuthor ?? null).toBeNull()
    expect(read.body.data?.Article?.stage ?? null).toBeNull()
    const filtered = await graphql(`{ Articles(where: { signOff__user: { equals: ${editorId} } }) { docs { id } } }`)
    expect(filtered.body.data?.Articles?.docs ?? null).toBeNull()
    expect(filtered.body.errors?.length).toBeGreaterThan(0)
  })

  it('the filters and sorts the site uses still work anonymously', async () => {
    const guideDoc = (await rest('GET', `/api/articles/${guide.id}?depth=0`)).body
    for (const query of [
      `where[_status][equals]=published&where[slug][equals]=${guide.slug}&joins=false`,
      `where[_status][equals]=published&where[reviewer][equals]=${guideDoc.reviewer}&sort=-lastReviewedAt`,
      `where[_status][equals]=published&where[id][not_equals]=0&sort=-lastReviewedAt&select[title]=true&select[reviewer]=true`,
    ]) {
      const res = await rest('GET', `/api/articles?${query}&depth=1&limit=100`)
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200)
      expect(res.body.docs.map((d: { id: number }) => d.id)).toContain(guide.id)
    }
  })
})
