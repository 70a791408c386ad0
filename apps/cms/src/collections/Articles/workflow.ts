/**
 * POST /api/articles/:id/workflow — take a review action; GET — the state, the actions the
 * current user may take, the sign-off and the history. The rules themselves (who may do what,
 * from which stage, the publish gate) are in @runsense/domain/workflow; this file applies them
 * to the database, under a row lock, in one transaction, and records every action.
 */
import { APIError, type Endpoint, type PayloadRequest } from 'payload'
import type { Article, User } from '@runsense/types'
import { tagsForGuideChange } from '@runsense/domain/cache-tags'
import {
  type ActionInput,
  type Actor,
  type GuideState,
  type HistoryEntry,
  type Stage,
  availableActions,
  decide,
  historyEntries,
  historyKind,
  signOffMatches,
  credentialsRefusal,
  signOffRefusalForAssignee,
} from '@runsense/domain/workflow'
import { roleOf } from '../../access/roles'
import { inTransaction, lockArticle } from '../../lib/db'
import { serverWriteReq } from '../../lib/serverWrite'
import { json, jsonObject } from '../../lib/http'
import { revalidateAfterCommit } from '../../lib/revalidate'
import { staffTime } from '../../lib/staffTime'
import { recordWorkflowEvent } from '../WorkflowEvents'
import { citationLabel, type SourceData } from '@runsense/domain/sources'
import { numberCitations } from '@runsense/domain/citations'
import { SIGNED_CONTENT_FIELDS, citedSources, contentProblems, hashOf, sourceSnapshot } from './content'
import { contentDiff } from './diff'
import { notifyForAction } from './notifications'
import { secondFactorRefusal } from '../../access/secondFactor'
import { checkSignOff, signOffOptions } from '../../lib/passkeys'

const idOf = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'object' ? String((v as { id: unknown }).id) : String(v))

/** Who is acting (with their reviewer profile's verification), or the refusal for someone who may not use the workflow. */
async function actorOf(req: PayloadRequest, user: PayloadRequest['user'] | User | null): Promise<Actor | Refused> {
  if (!user) return { ok: false, status: 401, error: 'Log in to use the review workflow.' }
  const role = roleOf(user as never)
  if (!role) return { ok: false, status: 403, error: 'Only staff accounts can use the review workflow.' }
  const reviewerId = idOf((user as User).reviewer)
  const profile = reviewerId ? await req.payload.findByID({ collection: 'reviewers', id: Number(reviewerId), depth: 0, overrideAccess: true, disableErrors: true, req }) : null
  return { id: String(user.id), role, reviewerId, credentialsVerifiedUntil: profile?.verification?.expiresAt ?? null }
}

const historyOf = (a: Article) => historyEntries(a.reviewHistory)
/** Whether two relationship values (ids or documents) name the same records, in any order. */
const sameIds = (a: unknown, b: unknown) => {
  const ids = (v: unknown) => (Array.isArray(v) ? v.map(idOf).sort().join(',') : '')
  return ids(a) === ids(b)
}

type Loaded = { working: Article; state: GuideState; liveSlug: string | null; sources: Awaited<ReturnType<typeof citedSources>> }

/** The working copy (latest version) and its workflow state, read under the row lock (unless only shown). */
async function load(req: PayloadRequest, id: number, { lock = true } = {}): Promise<Loaded | null> {
  const row = await lockArticle(req, id, { lock })
  if (!row) return null
  const working = (await req.payload.findByID({ collection: 'articles', id, draft: true, depth: 0, joins: false, overrideAccess: true, req })) as Article
  const sources = await citedSources(req, [working])
  const s = working.signOff
  // A live guide with its signed text published: are there changes outside the sign-off to publish?
  const live = row.liveStatus === 'published'
  const published =
    live && working.stage === 'published' ? ((await req.payload.findByID({ collection: 'articles', id, depth: 0, joins: false, overrideAccess: true, req })) as Article) : null
  const state: GuideState = {
    stage: (working.stage ?? 'draft') as Stage,
    live,
    lastAuthorId: idOf(working.lastAuthor),
    assignedReviewerId: idOf(working.assignedReviewer),
    signOff: s?.hash && s.reviewer && s.at ? { userId: idOf(s.user) ?? '', reviewerId: idOf(s.reviewer)!, at: s.at, hash: s.hash, version: s.version ?? null } : null,
    currentHash: hashOf(working, sources),
    lastPublishedHash: historyOf(working).at(-1)?.hash ?? null,
    unsignedChanges: published !== null && !sameIds(working.topics, published.topics),
  }
  return { working, state, liveSlug: row.liveStatus === 'published' ? row.slug : null, sources }
}

/** The id of the version a reviewer is signing (the working copy's latest version row). */
async function latestVersionId(req: PayloadRequest, id: number): Promise<string | null> {
  const { docs } = await req.payload.findVersions({ collection: 'articles', where: { parent: { equals: id } }, sort: '-updatedAt', limit: 1, depth: 0, overrideAccess: true, req })
  return docs[0] ? String(docs[0].id) : null
}

const addMonths = (iso: string, months: number) => {
  const d = new Date(iso)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.toISOString()
}

/** What a workflow action came to: the new stage, or the refusal a person reads. */
export type Refused = {
  ok: false
  status: 400 | 401 | 403 | 404 | 409 | 422 | 503
  error: string
  missing?: string[]
  stage?: Stage
  /** The guide is no longer scheduled for the time the action was for (`scheduledAt`): nothing to do. */
  stale?: true
}
export type WorkflowResult = { ok: true; stage: Stage; from: Stage } | Refused

class Refusal {
  constructor(readonly result: Refused) {}
}

/**
 * The one entry point for every workflow write (the endpoint, the scheduled-publish job, …):
 * decide (the pure rules in @runsense/domain/workflow), apply (one transaction, under the guide's
 * row lock), record (the audit log), notify (emails queued in the same transaction, revalidation
 * after commit). Never throws for a refusal; a failure of the database is a 503 with nothing changed.
 */
/** A workflow action's input; `corrects` names open reader reports a publication corrects. */
export type WorkflowInput = ActionInput & {
  corrects?: number[]
  /** For sign_off: the reviewer's WebAuthn assertion (AuthenticationResponseJSON) over the challenge from /sign-off-options. */
  assertion?: unknown
  /** For the scheduled-publish job: act only while the guide is still scheduled for this time (checked under the row lock). */
  scheduledAt?: string
}

export async function applyWorkflowAction(req: PayloadRequest, id: number, actorUser: User, action: string, input: WorkflowInput): Promise<WorkflowResult> {
  const { note } = input
  const actor = await actorOf(req, actorUser).catch(() => null)
  if (!actor) return { ok: false, status: 503, error: 'The action could not be completed just now; nothing was changed. Please try again.' }
  if ('ok' in actor) return actor
  try {
    return await inTransaction(req, async () => {
      const loaded = await load(req, id)
      if (!loaded) throw new Refusal({ ok: false, status: 404, error: 'No such guide.' })
      const { working, state, sources } = loaded
      // Rescheduled, cancelled or published since the job was queued: that job has nothing to do.
      if (input.scheduledAt !== undefined && working.scheduledPublish?.at !== input.scheduledAt)
        throw new Refusal({ ok: false, status: 409, error: 'The guide is no longer scheduled for that time.', stage: state.stage, stale: true })
      const problems = action === 'publish' ? contentProblems(working, sources) : []
      const decision = decide(state, actor, action, input, problems)
      if (!decision.ok)
        throw new Refusal({ ok: false, status: decision.status, error: decision.error, ...(decision.missing ? { missing: decision.missing } : {}), stage: state.stage })

      if (decision.assignReviewerId) {
        const chosen = await req.payload.findByID({ collection: 'reviewers', id: Number(decision.assignReviewerId), depth: 0, overrideAccess: true, disableErrors: true, req })
        if (!chosen) throw new Refusal({ ok: false, status: 400, error: `There is no reviewer with id ${decision.assignReviewerId}.`, missing: ['reviewer'] })
        // A guide sent to someone who cannot sign off would wait for nothing: choose another, or have them verified first.
        const cannot = credentialsRefusal(chosen.verification?.expiresAt ?? null, `${chosen.name}'s`)
        if (cannot) throw new Refusal({ ok: false, status: 400, error: `${cannot} Choose another reviewer, or send it once they are verified.`, missing: ['reviewer'] })
      }

      const now = new Date().toISOString()
      const data: Record<string, unknown> = { stage: decision.to }
      if (decision.assignReviewerId) data.assignedReviewer = Number(decision.assignReviewerId)
      if (decision.recordSignOff) {
        // The passkey rule (lib/passkeys.ts): a reviewer with a passkey, or everyone where
        // REQUIRE_PASSKEY_SIGNOFF is on, signs this guide's current hash with it.
        const signed = await checkSignOff(req, { guideId: id, userId: Number(actor.id), reviewerId: Number(actor.reviewerId), hash: state.currentHash, assertion: input.assertion })
        if (!signed.ok) throw new Refusal({ ok: false, status: 403, error: signed.error, stage: state.stage })
        data.signOff = {
          signature: signed.signature,
          user: Number(actor.id),
          reviewer: Number(actor.reviewerId),
          at: now,
          hash: state.currentHash,
          version: await latestVersionId(req, id),
          sources: sourceSnapshot(working, sources),
        }
      }
      if (decision.restoreSigned) {
        // Discard the changes: the working copy takes back every signed field of the signed version.
        const signed = state.signOff?.version
          ? await req.payload.findVersionByID({ collection: 'articles', id: state.signOff.version, depth: 0, overrideAccess: true, disableErrors: true, req })
          : null
        if (!signed)
          throw new Refusal({
            ok: false,
            status: 409,
            error: "The signed text is no longer in the guide's versions, so it cannot be brought back; edit the text instead.",
            stage: state.stage,
          })
        const version = signed.version as Article
        for (const field of SIGNED_CONTENT_FIELDS) data[field] = version[field] ?? null
        data.lastAuthor = Number(actor.id)
      }
      if (decision.scheduleAt) {
        data.scheduledPublish = { at: decision.scheduleAt, by: Number(actor.id), error: null }
        await req.payload.jobs.queue({
          task: 'scheduledPublish',
          // The change note given now is the one published then.
          input: { article: id, by: Number(actor.id), at: decision.scheduleAt, ...(input.note ? { note: input.note } : {}) },
          waitUntil: new Date(decision.scheduleAt),
          req,
        })
      }
      if (decision.unsignedOnly) {
        if (input.corrects?.length)
          throw new Refusal({
            ok: false,
            status: 400,
            error: 'A correction changes the published text; this publication does not, so it cannot close a report as corrected.',
            missing: ['corrects'],
          })
        data._status = 'published'
      } else if (decision.goesLive) {
        const so = state.signOff!
        data.reviewer = Number(so.reviewerId)
        data.lastReviewedAt = so.at
        data.nextReviewDue = addMonths(so.at, working.reviewIntervalMonths ?? 12)
        data.overdueNotifiedAt = null
        data.scheduledPublish = { at: null, by: null, error: null }
        // What readers see of each cited source is what the sign-off covered (the gate checked it).
        data.citedSources = sourceSnapshot(working, sources)
        // A published review answers an open re-review flag; nothing else clears it.
        data.reviewFlag = { flagged: false, reason: null, at: null }
        const signer = await req.payload.findByID({ collection: 'reviewers', id: Number(so.reviewerId), depth: 0, overrideAccess: true, req })
        const kind = historyKind(state.lastPublishedHash ?? null, state.currentHash)
        const corrects = input.corrects ?? []
        if (corrects.length) {
          if (kind !== 'updated')
            throw new Refusal({
              ok: false,
              status: 400,
              error: 'A correction changes the published text; this publication does not, so it cannot close a report as corrected.',
              missing: ['corrects'],
            })
          const { docs: open } = await req.payload.find({
            collection: 'reader-reports',
            where: { and: [{ id: { in: corrects } }, { article: { equals: id } }, { status: { equals: 'open' } }] },
            limit: corrects.length,
            depth: 0,
            overrideAccess: true,
            req,
          })
          if (open.length !== corrects.length)
            throw new Refusal({ ok: false, status: 400, error: 'Each report this publication corrects must be an open report about this guide.', missing: ['corrects'] })
        }
        const entry: HistoryEntry = {
          kind: corrects.length ? 'corrected' : kind,
          at: so.at,
          publishedAt: now,
          reviewer: { id: signer.id, name: signer.name, role: signer.role, slug: String(signer.slug ?? '') },
          note: note || null,
          hash: state.currentHash,
          signature: (working.signOff?.signature as HistoryEntry['signature']) ?? null,
        }
        data.reviewHistory = [...historyOf(working), entry]
        data._status = 'published'
      } else if (decision.goesOffline) {
        data._status = 'draft'
      }
      // Publishing and taking offline write the live version; everything else is a new draft version.
      const writesLive = Boolean(decision.goesLive || decision.goesOffline)
      const updated = (await req.payload.update({
        collection: 'articles',
        id,
        data,
        draft: !writesLive,
        depth: 0,
        overrideAccess: true,
        req: serverWriteReq(req, { workflow: action }),
      })) as Article

      if (decision.restoreSigned) {
        // The signed text is back only if it hashes to what was signed (a cited source edited since
        // the sign-off changes the hash): otherwise nothing is changed and the editor is told why.
        const written = hashOf(updated, await citedSources(req, [updated]))
        if (written !== state.signOff!.hash)
          throw new Refusal({
            ok: false,
            status: 409,
            error: 'The signed text cannot be brought back exactly: a source it cites changed since the sign-off. The guide needs a new review.',
            stage: state.stage,
          })
      }
      if (decision.goesLive) {
        // Belt and braces: what was written must be exactly what was signed, sources as snapshotted.
        const written = hashOf(updated, (updated.citedSources ?? []) as SourceData[])
        if (written !== state.signOff!.hash) throw new Error('Refusing to publish: the written content does not match the sign-off.')
      }

      await recordWorkflowEvent(req, {
        article: id,
        articleTitle: working.title,
        action: action as never,
        fromStage: decision.from,
        toStage: decision.to,
        actor: { id: Number(actor.id), name: actorUser.name ?? null },
        note: decision.scheduleAt
          ? `Scheduled to publish at ${staffTime(decision.scheduleAt)}.${note ? ` Change note for readers: “${note}”` : ''}`
          : note || (decision.restoreSigned ? 'Changes discarded: the working copy is the signed text again.' : null),
        contentHash: decision.restoreSigned ? state.signOff!.hash : state.currentHash,
        reviewer: decision.assignReviewerId ? Number(decision.assignReviewerId) : decision.recordSignOff ? Number(actor.reviewerId) : null,
      })

      for (const report of decision.goesLive ? (input.corrects ?? []) : []) {
        await req.payload.update({
          collection: 'reader-reports',
          id: report,
          data: { status: 'closed', outcome: 'corrected', correctionNote: note ?? null },
          overrideAccess: true,
          req: serverWriteReq(req, { workflow: 'publish' }),
        })
      }

      await notifyForAction(req, action, working, actorUser, { note, reviewerId: decision.assignReviewerId })

      if (writesLive) {
        await revalidateAfterCommit(req, tagsForGuideChange([loaded.liveSlug, updated.slug]))
      }
      return { ok: true as const, stage: decision.to, from: decision.from }
    })
  } catch (err) {
    if (err instanceof Refusal) return err.result
    // Payload's own refusals (a field that fails validation at publishing, …) are the editor's to fix.
    const status = (err as { status?: unknown }).status
    if (err instanceof APIError && typeof status === 'number' && status >= 400 && status < 500) {
      const fieldErrors = ((err as { data?: { errors?: { message?: string; path?: string }[] } }).data?.errors ?? []).map((e) => e.message ?? e.path ?? '')
      return { ok: false, status: 422, error: `This guide cannot be saved as it is: ${err.message}`, missing: fieldErrors.filter(Boolean) }
    }
    req.payload.logger.error({ err, msg: `workflow action ${action} on article ${id} failed` })
    return { ok: false, status: 503, error: 'The action could not be completed just now; nothing was changed. Please try again.' }
  }
}

/** The body of a workflow POST, checked: each field has one type, or the request gets a sentence. */
function parseActionBody(body: Record<string, unknown>): { action: string; input: WorkflowInput } | string {
  if (typeof body.action !== 'string') return 'Say which action to take: { "action": "submit" | "sign_off" | … }.'
  if (body.note !== undefined && body.note !== null && typeof body.note !== 'string') return '"note" must be text.'
  if (body.at !== undefined && body.at !== null && typeof body.at !== 'string') return '"at" must be an ISO date and time, e.g. "2026-12-01T09:00:00Z".'
  let reviewer: string | undefined
  if (body.reviewer !== undefined && body.reviewer !== null) {
    const r = typeof body.reviewer === 'string' && /^\d{1,9}$/.test(body.reviewer) ? Number(body.reviewer) : body.reviewer
    if (typeof r !== 'number' || !Number.isSafeInteger(r) || r <= 0 || r > 2_147_483_647) return '"reviewer" must be the id of a reviewer (a whole number).'
    reviewer = String(r)
  }
  let corrects: number[] | undefined
  if (body.corrects !== undefined && body.corrects !== null) {
    const ok =
      Array.isArray(body.corrects) && body.corrects.length <= 50 && body.corrects.every((r) => Number.isSafeInteger(r) && (r as number) > 0 && (r as number) <= 2_147_483_647)
    if (!ok) return '"corrects" must be a list of reader report ids (whole numbers).'
    corrects = [...new Set(body.corrects as number[])]
  }
  if (body.assertion !== undefined && body.assertion !== null && (typeof body.assertion !== 'object' || Array.isArray(body.assertion)))
    return '"assertion" must be the passkey\'s answer (an object).'
  return {
    action: body.action,
    input: {
      note: typeof body.note === 'string' ? body.note.trim().slice(0, 5000) : undefined,
      reviewer,
      at: typeof body.at === 'string' ? body.at : undefined,
      corrects,
      assertion: body.assertion ?? undefined,
    },
  }
}

/** A guide id from the path: a positive integer Postgres can hold, else null (answered 404). */
const guideIdOf = (raw: unknown): number | null => {
  const id = Number(raw)
  return /^\d{1,10}$/.test(String(raw)) && Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : null
}

const answer = (r: WorkflowResult) =>
  r.ok ? json(200, { stage: r.stage, from: r.from }) : json(r.status, { error: r.error, ...(r.missing ? { missing: r.missing } : {}), ...(r.stage ? { stage: r.stage } : {}) })

export const workflowPost: Endpoint = {
  path: '/:id/workflow',
  method: 'post',
  handler: async (req) => {
    if (!req.user) return json(401, { error: 'Log in to use the review workflow.' })
    const id = guideIdOf(req.routeParams?.id)
    if (id === null) return json(404, { error: 'No such guide.' })
    const body = await jsonObject(req)
    if (!body) return json(400, { error: 'Send JSON: { "action": "...", "note"?: "...", "reviewer"?: id, "at"?: ISO date }.' })
    const parsed = parseActionBody(body)
    if (typeof parsed === 'string') return json(400, { error: parsed })
    // Staff accounts (access/secondFactor.ts): sign-off and publishing need a session that passed two-factor sign-in.
    const secondFactor = await secondFactorRefusal(req, parsed.action)
    if (secondFactor) return json(403, { error: secondFactor })
    return answer(await applyWorkflowAction(req, id, req.user as User, parsed.action, parsed.input))
  },
}

export const workflowGet: Endpoint = {
  path: '/:id/workflow',
  method: 'get',
  handler: async (req) => {
    const actor = await actorOf(req, req.user)
    if ('ok' in actor) return answer(actor)
    const id = guideIdOf(req.routeParams?.id)
    if (id === null) return json(404, { error: 'No such guide.' })
    // Only shown, never acted on: no row lock, so the panel's reads never hold up an edit.
    const loaded = await load(req, id, { lock: false })
    if (!loaded) return json(404, { error: 'No such guide.' })
    const { working, state } = loaded
    const [assignee, signer, signerReviewer, history] = await Promise.all([
      state.assignedReviewerId ? req.payload.findByID({ collection: 'reviewers', id: Number(state.assignedReviewerId), depth: 0, overrideAccess: true }).catch(() => null) : null,
      state.signOff?.userId ? req.payload.findByID({ collection: 'users', id: Number(state.signOff.userId), depth: 0, overrideAccess: true }).catch(() => null) : null,
      state.signOff ? req.payload.findByID({ collection: 'reviewers', id: Number(state.signOff.reviewerId), depth: 0, overrideAccess: true }).catch(() => null) : null,
      req.payload.find({ collection: 'workflow-events', where: { article: { equals: id } }, sort: 'createdAt', limit: 500, depth: 0, overrideAccess: true }),
    ])
    // For the reviewer: what changed in the reviewed text since the last sign-off.
    let changesSinceSignOff: ReturnType<typeof contentDiff> | null = null
    if (state.signOff?.version && !signOffMatches(state)) {
      const signed = await req.payload.findVersionByID({ collection: 'articles', id: state.signOff.version, depth: 0, overrideAccess: true }).catch(() => null)
      if (signed) {
        // Citations name their source on both sides (the signed text may cite sources the working copy no longer does).
        const names = new Map((await citedSources(req, [signed.version as Article, working])).map((src) => [String(src.id), citationLabel(src as SourceData)]))
        // A cited source's own details (title, authors, a retraction…) as signed and as they are now, when the sign-off kept them.
        const signedSources = Array.isArray(working.signOff?.sources) ? (working.signOff.sources as SourceData[]) : null
        changesSinceSignOff = contentDiff(
          signed.version as never,
          working as never,
          (sid) => names.get(sid),
          signedSources && { signed: signedSources, current: loaded.sources as SourceData[] },
        )
      }
    }
    // What a sign-off now would sign, in words the reviewer can check before confirming.
    const { numberOf, order } = numberCitations(working.body)
    const byId = new Map(loaded.sources.map((src) => [String(src.id), src]))
    const { totalDocs: versionCount } = await req.payload.countVersions({ collection: 'articles', where: { parent: { equals: id } }, overrideAccess: true })
    return json(200, {
      id,
      title: working.title,
      signing: {
        title: working.title,
        summary: working.summary,
        hash: state.currentHash,
        version: versionCount,
        at: new Date().toISOString(),
        sources: order.map((sid) => ({ number: numberOf(sid), label: byId.has(sid) ? citationLabel(byId.get(sid) as never) : 'missing source' })),
      },
      changesSinceSignOff,
      reviewFlag: working.reviewFlag?.flagged ? { reason: working.reviewFlag.reason, at: working.reviewFlag.at } : null,
      stage: state.stage,
      live: state.live,
      actions: availableActions(state, actor),
      // The assigned reviewer who may not sign off (credentials not verified): why, in words.
      signOffRefused: signOffRefusalForAssignee(state, actor),
      assignee: assignee ? { id: assignee.id, name: assignee.name, role: assignee.role } : null,
      lastAuthor: state.lastAuthorId ? Number(state.lastAuthorId) : null,
      currentHash: state.currentHash,
      signOff: state.signOff
        ? {
            by: signer ? { id: signer.id, name: signer.name } : null,
            reviewer: signerReviewer ? { id: signerReviewer.id, name: signerReviewer.name, role: signerReviewer.role } : null,
            at: state.signOff.at,
            hash: state.signOff.hash,
            version: state.signOff.version,
            matches: signOffMatches(state),
          }
        : null,
      lastReviewedAt: working.lastReviewedAt ?? null,
      nextReviewDue: working.nextReviewDue ?? null,
      scheduledPublish:
        working.scheduledPublish?.at || working.scheduledPublish?.error ? { at: working.scheduledPublish.at ?? null, error: working.scheduledPublish.error ?? null } : null,
      history: history.docs.map((e) => ({
        at: e.createdAt,
        action: e.action,
        from: e.fromStage,
        to: e.toStage,
        actor: e.actor ? { id: e.actor, name: e.actorName } : null,
        note: e.note ?? null,
        contentHash: e.contentHash ?? null,
      })),
    })
  },
}

/**
 * POST /api/articles/:id/sign-off-options — for the reviewer about to sign off: WebAuthn options
 * whose challenge is derived from the canonical string (this guide, its current hash, their
 * reviewer profile, now), stored single-use. `{ passkey: false }` when they have no passkey.
 */
export const signOffOptionsPost: Endpoint = {
  path: '/:id/sign-off-options',
  method: 'post',
  handler: async (req) => {
    const actor = await actorOf(req, req.user)
    if ('ok' in actor) return answer(actor)
    if (actor.role !== 'reviewer' || !actor.reviewerId) return json(403, { error: 'Only reviewers sign off.' })
    const id = guideIdOf(req.routeParams?.id)
    if (id === null) return json(404, { error: 'No such guide.' })
    return inTransaction(req, async () => {
      const loaded = await load(req, id)
      if (!loaded) return json(404, { error: 'No such guide.' })
      const made = await signOffOptions(req, id, Number(actor.reviewerId), loaded.state.currentHash)
      return json(200, made ? { passkey: true, canonical: made.canonical, options: made.options } : { passkey: false })
    })
  },
}
