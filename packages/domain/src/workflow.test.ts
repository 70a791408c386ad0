import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Action,
  type Actor,
  type GuideState,
  ACTIONS,
  afterContentEdit,
  availableActions,
  credentialsRefusal,
  decide,
  readableMissing,
  replay,
  signOffRefusalForAssignee,
} from './workflow'

const verified = new Date(Date.now() + 365 * 86400_000).toISOString()
const editor: Actor = { id: 'e1', role: 'editor', reviewerId: null, credentialsVerifiedUntil: null }
const editor2: Actor = { id: 'e2', role: 'editor', reviewerId: null, credentialsVerifiedUntil: null }
const admin: Actor = { id: 'a1', role: 'admin', reviewerId: null, credentialsVerifiedUntil: null }
const reviewer: Actor = { id: 'r1', role: 'reviewer', reviewerId: 'R1', credentialsVerifiedUntil: verified }
const reviewer2: Actor = { id: 'r2', role: 'reviewer', reviewerId: 'R2', credentialsVerifiedUntil: verified }
const actors = [editor, editor2, admin, reviewer, reviewer2]

const base = (over: Partial<GuideState> = {}): GuideState => ({
  stage: 'draft',
  live: false,
  lastAuthorId: 'e1',
  assignedReviewerId: null,
  signOff: null,
  currentHash: 'h1',
  ...over,
})

describe('workflow rules', () => {
  it('lets an editor submit a draft, and refuses reviewers', () => {
    expect(decide(base(), editor, 'submit')).toMatchObject({ ok: true, to: 'editorial_review' })
    expect(decide(base(), reviewer, 'submit')).toMatchObject({ ok: false, status: 403 })
  })

  it('enforces four eyes: the last author cannot send to medical review', () => {
    const s = base({ stage: 'editorial_review', lastAuthorId: 'e1' })
    expect(decide(s, editor, 'send_to_medical_review', { reviewer: 'R1' })).toMatchObject({ ok: false, status: 403 })
    expect(decide(s, editor2, 'send_to_medical_review', { reviewer: 'R1' })).toMatchObject({ ok: true, to: 'medical_review', assignReviewerId: 'R1' })
    expect(decide(s, editor2, 'send_to_medical_review')).toMatchObject({ ok: false, status: 400, missing: ['reviewer'] })
  })

  it('publishes a live guide again only for changes outside the sign-off, with no note and no review', () => {
    const signOff = { userId: 'r1', reviewerId: 'R1', at: '2026-06-09T00:00:00.000Z', hash: 'h1', version: null }
    const live = base({ stage: 'published', live: true, assignedReviewerId: 'R1', signOff, lastPublishedHash: 'h1' })
    expect(decide(live, editor, 'publish')).toMatchObject({ ok: false, status: 409 })
    expect(availableActions(live, editor)).not.toContain('publish')
    const topics = { ...live, unsignedChanges: true }
    expect(decide(topics, editor, 'publish')).toEqual({ ok: true, from: 'published', to: 'published', goesLive: true, unsignedOnly: true })
    expect(decide(topics, reviewer, 'publish')).toMatchObject({ ok: false, status: 403 })
    // Not for a guide taken offline, nor when the reviewed text itself changed (that is a new review).
    expect(decide({ ...topics, live: false }, editor, 'publish')).toMatchObject({ ok: false, status: 409 })
    expect(decide({ ...topics, currentHash: 'h2' }, editor, 'publish')).toMatchObject({ ok: false, status: 422 })
  })

  it('lets only the assigned reviewer sign off, admins included', () => {
    const s = base({ stage: 'medical_review', assignedReviewerId: 'R1' })
    expect(decide(s, reviewer, 'sign_off')).toMatchObject({ ok: true, to: 'approved', recordSignOff: true })
    for (const a of [reviewer2, admin, editor]) expect(decide(s, a, 'sign_off')).toMatchObject({ ok: false, status: 403 })
    // An editor's or admin's account linked to the assigned profile still cannot sign: the one who edits and sends never signs.
    for (const a of [editor, admin]) {
      const linked = decide(s, { ...a, reviewerId: reviewer.reviewerId, credentialsVerifiedUntil: verified }, 'sign_off')
      expect(linked).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/Only medical reviewers sign off/) })
    }
  })

  it('refuses a sign-off from a reviewer whose credentials were never verified or have lapsed, and says who can fix it', () => {
    const s = base({ stage: 'medical_review', assignedReviewerId: 'R1' })
    expect(decide(s, { ...reviewer, credentialsVerifiedUntil: null }, 'sign_off')).toMatchObject({
      ok: false,
      status: 403,
      error: expect.stringMatching(/not been verified.*admin/),
    })
    const lapsed = decide(s, { ...reviewer, credentialsVerifiedUntil: '2026-01-31T00:00:00.000Z' }, 'sign_off')
    expect(lapsed).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/lapsed on 2026-01-31.*admin/) })
    expect(availableActions(s, { ...reviewer, credentialsVerifiedUntil: null })).not.toContain('sign_off')
    // The assigned reviewer is told why before trying; nobody else is, and neither is a reviewer who may sign.
    expect(signOffRefusalForAssignee(s, { ...reviewer, credentialsVerifiedUntil: '2026-01-31T00:00:00.000Z' })).toMatch(/lapsed on 2026-01-31.*admin/)
    expect(signOffRefusalForAssignee(s, { ...reviewer, credentialsVerifiedUntil: null })).toMatch(/not been verified/)
    for (const a of [reviewer, { ...reviewer2, credentialsVerifiedUntil: null }, editor, admin]) expect(signOffRefusalForAssignee(s, a)).toBeNull()
    expect(signOffRefusalForAssignee(base({ stage: 'approved', assignedReviewerId: 'R1' }), { ...reviewer, credentialsVerifiedUntil: null })).toBeNull()
  })

  it("tells the editor choosing a reviewer, in the reviewer's name, why they cannot sign off", () => {
    const now = Date.parse('2026-06-01T00:00:00.000Z')
    expect(credentialsRefusal('2026-05-31T23:59:59.000Z', "Dr. Lee's", now)).toBe(
      "Dr. Lee's credentials verification lapsed on 2026-05-31, so they cannot sign off until an admin verifies them again on their reviewer profile.",
    )
    expect(credentialsRefusal(null, "Dr. Lee's", now)).toMatch(/^Dr\. Lee's credentials have not been verified yet, so they cannot sign off/)
    expect(credentialsRefusal('2026-06-01T00:00:01.000Z', "Dr. Lee's", now)).toBeNull()
    // The reviewer's own sentence is the same rule.
    expect(credentialsRefusal('2026-05-31T23:59:59.000Z', 'Your', now)).toMatch(/^Your credentials verification lapsed on 2026-05-31, so you cannot sign off/)
  })

  it('lets editors restore an archived guide to a draft, and nobody else', () => {
    const archived = base({ stage: 'archived' })
    expect(decide(archived, editor, 'restore')).toMatchObject({ ok: true, from: 'archived', to: 'draft' })
    expect(decide(archived, reviewer, 'restore')).toMatchObject({ ok: false, status: 403 })
    expect(decide(base({ stage: 'draft' }), editor, 'restore')).toMatchObject({ ok: false, status: 409 })
    expect(availableActions(archived, admin)).toEqual(['restore'])
  })

  it('asks for a public change note when publishing a changed text, not for a first publication or an unchanged re-review', () => {
    const signed = (hash: string, last: string | null) =>
      base({ stage: 'approved', assignedReviewerId: 'R1', currentHash: hash, lastPublishedHash: last, signOff: { userId: 'r1', reviewerId: 'R1', at: 'x', hash, version: null } })
    expect(decide(signed('h2', null), editor, 'publish')).toMatchObject({ ok: true })
    expect(decide(signed('h2', 'h2'), editor, 'publish')).toMatchObject({ ok: true })
    expect(decide(signed('h2', 'h1'), editor, 'publish')).toMatchObject({ ok: false, status: 400, missing: ['note'] })
    expect(decide(signed('h2', 'h1'), editor, 'publish', { note: 'Clarified the return-to-run plan.' })).toMatchObject({ ok: true })
    // Scheduling that publish asks for the note now: the publish at the time is made with it.
    const at = new Date(Date.now() + 3600_000).toISOString()
    expect(decide(signed('h2', 'h1'), editor, 'schedule_publish', { at })).toMatchObject({ ok: false, status: 400, missing: ['note'] })
    expect(decide(signed('h2', 'h1'), editor, 'schedule_publish', { at, note: 'Clarified the return-to-run plan.' })).toMatchObject({ ok: true, scheduleAt: at })
    expect(decide(signed('h2', null), editor, 'schedule_publish', { at })).toMatchObject({ ok: true, scheduleAt: at })
  })

  it('shows a person only the sentences of what is missing, not the bare field names meant for programs', () => {
    expect(readableMissing(['note', 'A medical sign-off of this text.', 'scheduledPublish.at'])).toEqual(['A medical sign-off of this text.'])
    expect(readableMissing(undefined)).toEqual([])
  })

  it('requires a note to request changes, from the right person per stage', () => {
    const ed = base({ stage: 'editorial_review' })
    expect(decide(ed, editor, 'request_changes')).toMatchObject({ ok: false, status: 400 })
    expect(decide(ed, editor, 'request_changes', { note: 'Fix the intro' })).toMatchObject({ ok: true, to: 'changes_requested' })
    expect(decide(ed, reviewer, 'request_changes', { note: 'x' })).toMatchObject({ ok: false, status: 403 })
    const med = base({ stage: 'medical_review', assignedReviewerId: 'R1' })
    expect(decide(med, reviewer, 'request_changes', { note: 'x' })).toMatchObject({ ok: true })
    expect(decide(med, reviewer2, 'request_changes', { note: 'x' })).toMatchObject({ ok: false, status: 403 })
    expect(decide(med, editor, 'request_changes', { note: 'x' })).toMatchObject({ ok: false, status: 403 })
  })

  it('publishes only with a sign-off of the current text, and lists what is missing', () => {
    const signed = base({ stage: 'approved', assignedReviewerId: 'R1', signOff: { userId: 'r1', reviewerId: 'R1', at: '2026-06-09', hash: 'h1', version: null } })
    expect(decide(signed, editor, 'publish')).toMatchObject({ ok: true, to: 'published', goesLive: true })
    expect(decide(signed, reviewer, 'publish')).toMatchObject({ ok: false, status: 403 })
    const changed = { ...signed, currentHash: 'h2' }
    const refused = decide(changed, admin, 'publish')
    expect(refused).toMatchObject({ ok: false, status: 422 })
    expect(refused.ok === false && refused.missing?.join(' ')).toMatch(/changed after the sign-off/)
    expect(decide(signed, editor, 'publish', {}, ['The Safety section.'])).toMatchObject({ ok: false, status: 422, missing: ['The Safety section.'] })
  })

  it('answers 409 when an action does not apply to the stage, 400 for an unknown one', () => {
    expect(decide(base(), editor, 'publish')).toMatchObject({ ok: false, status: 409 })
    expect(decide(base(), editor, 'unpublish')).toMatchObject({ ok: false, status: 409 })
    expect(decide(base(), editor, 'launch')).toMatchObject({ ok: false, status: 400 })
  })

  it('voids a sign-off when the reviewed text changes after it, and takes an edit in medical review back to editorial review', () => {
    expect(afterContentEdit(base({ stage: 'approved' }), 'h2', 'e2')).toEqual({ stage: 'draft', lastAuthorId: 'e2', event: 'voided' })
    expect(afterContentEdit(base({ stage: 'published', live: true }), 'h2', 'e2')).toEqual({ stage: 'draft', lastAuthorId: 'e2', event: 'voided' })
    expect(afterContentEdit(base({ stage: 'medical_review' }), 'h2', 'e2')).toEqual({ stage: 'editorial_review', lastAuthorId: 'e2', event: 'returned' })
    expect(afterContentEdit(base({ stage: 'editorial_review' }), 'h2', 'e2')).toEqual({ stage: 'editorial_review', lastAuthorId: 'e2', event: null })
    expect(afterContentEdit(base({ stage: 'approved' }), 'h1', 'e2')).toBeNull()
  })

  it('makes a sign-off hold again when the text is back to exactly what was signed, with no new cycle', () => {
    const signOff = { userId: 'r1', reviewerId: 'R1', at: 'then', hash: 'hS', version: '7' }
    // Signed, never published, edited (draft), then typed back: signed off again, ready to publish.
    const edited = base({ stage: 'draft', assignedReviewerId: 'R1', signOff, currentHash: 'h2' })
    expect(afterContentEdit(edited, 'hS', 'e2')).toEqual({ stage: 'approved', lastAuthorId: 'e2', event: 'signed_text_restored' })
    // Live with the signed text, edited: back to the live text means published, nothing to publish.
    const live = { ...edited, live: true, lastPublishedHash: 'hS' }
    expect(afterContentEdit(live, 'hS', 'e2')).toMatchObject({ stage: 'published', event: 'signed_text_restored' })
    // Another text is still a change; a sign-off by someone other than the assigned reviewer does not count.
    expect(afterContentEdit(edited, 'h3', 'e2')).toMatchObject({ stage: 'draft', event: null })
    expect(afterContentEdit({ ...edited, assignedReviewerId: 'R2' }, 'hS', 'e2')).toMatchObject({ event: null })
  })

  it('lets editors discard changes back to the signed text, only when there are changes to discard', () => {
    const signOff = { userId: 'r1', reviewerId: 'R1', at: 'then', hash: 'hS', version: '7' }
    const edited = base({ stage: 'draft', assignedReviewerId: 'R1', signOff, currentHash: 'h2' })
    expect(decide(edited, editor, 'discard_changes')).toMatchObject({ ok: true, from: 'draft', to: 'approved', restoreSigned: true })
    expect(decide({ ...edited, live: true, lastPublishedHash: 'hS' }, editor2, 'discard_changes')).toMatchObject({ ok: true, to: 'published' })
    expect(decide({ ...edited, stage: 'medical_review' }, admin, 'discard_changes')).toMatchObject({ ok: true, to: 'approved' })
    expect(decide(edited, reviewer, 'discard_changes')).toMatchObject({ ok: false, status: 403 })
    expect(decide({ ...edited, currentHash: 'hS', stage: 'approved' }, editor, 'discard_changes')).toMatchObject({ ok: false, status: 409 })
    expect(decide(base(), editor, 'discard_changes')).toMatchObject({ ok: false, status: 409 })
    expect(availableActions(edited, editor)).toContain('discard_changes')
    expect(availableActions(edited, reviewer)).not.toContain('discard_changes')
  })

  it('lets editors start a re-review of a live guide without changing its text', () => {
    const live = base({ stage: 'published', live: true, assignedReviewerId: 'R1' })
    expect(decide(live, editor, 'start_review')).toMatchObject({ ok: true, from: 'published', to: 'editorial_review' })
    expect(decide(live, admin, 'start_review')).toMatchObject({ ok: true })
    expect(decide(live, reviewer, 'start_review')).toMatchObject({ ok: false, status: 403 })
    expect(availableActions(live, editor)).toContain('start_review')
    expect(availableActions(live, reviewer)).not.toContain('start_review')
    // Only a live guide, and not while it is already in review.
    expect(decide(base({ stage: 'draft', live: false }), editor, 'start_review')).toMatchObject({ ok: false, status: 409 })
    expect(decide(base({ stage: 'medical_review', live: true }), editor, 'start_review')).toMatchObject({ ok: false, status: 409 })
    expect(decide(base({ stage: 'draft', live: true }), editor, 'start_review')).toMatchObject({ ok: true, to: 'editorial_review' })
    // Signed off, never live: only once the sign-off stopped matching (a cited source changed).
    const signedOff = (currentHash: string) =>
      base({ stage: 'approved', live: false, assignedReviewerId: 'R1', currentHash, signOff: { userId: 'r1', reviewerId: 'R1', at: 'x', hash: 'h1', version: null } })
    expect(decide(signedOff('h1'), editor, 'start_review')).toMatchObject({ ok: false, status: 409 })
    expect(decide(signedOff('h2'), editor, 'start_review')).toMatchObject({ ok: true, from: 'approved', to: 'editorial_review' })
  })

  it('offers each user exactly the actions decide() would allow', () => {
    const s = base({ stage: 'medical_review', assignedReviewerId: 'R1' })
    expect(availableActions(s, reviewer)).toEqual(['request_changes', 'sign_off'])
    expect(availableActions(s, reviewer2)).toEqual([])
    expect(availableActions(s, editor)).toEqual(['archive'])
  })

  it('lets editors schedule an approved guide for a future time only', () => {
    const s = base({ stage: 'approved', assignedReviewerId: 'R1' })
    const future = new Date(Date.now() + 3600_000).toISOString()
    expect(decide(s, editor, 'schedule_publish', { at: future })).toMatchObject({ ok: true, to: 'approved', scheduleAt: future })
    expect(decide(s, editor, 'schedule_publish', { at: '2001-01-01T00:00:00Z' })).toMatchObject({ ok: false, status: 400 })
    expect(decide(s, reviewer, 'schedule_publish', { at: future })).toMatchObject({ ok: false, status: 403 })
    expect(decide(base(), editor, 'schedule_publish', { at: future })).toMatchObject({ ok: false, status: 409 })
  })
})

/**
 * Random action sequences by random users, with edits and source changes between them, on a
 * model that applies every accepted decision. Invariants: nothing goes live without a sign-off
 * of exactly the live text by the reviewer assigned when it was signed; the audit log always
 * replays to the current stage.
 */
describe('workflow properties', () => {
  type Step =
    | { kind: 'action'; actor: number; action: Action; note: boolean; reviewer: 'R1' | 'R2' | undefined }
    | { kind: 'edit'; actor: number; backToSigned: boolean }
    | { kind: 'sourceChange' }
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('action' as const),
        actor: fc.nat(actors.length - 1),
        action: fc.constantFrom(...ACTIONS),
        note: fc.boolean(),
        reviewer: fc.constantFrom('R1' as const, 'R2' as const, undefined),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), actor: fc.nat(2), backToSigned: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sourceChange' as const) }) },
  )

  it('never publishes unsigned text, and the log replays to the stage (10,000 sequences)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let s = base({ lastAuthorId: null })
        let hashes = 1
        let liveHash: string | null = null
        const log: { fromStage: GuideState['stage']; toStage: GuideState['stage'] }[] = []
        const signers = new Map<string, { reviewerId: string; assigned: string | null }>()
        // Four eyes for the final text: what a reviewer signs was sent by an editor who did not
        // write it, and nobody edited it after sending.
        let sent: { by: string; lastAuthor: string | null; edited: boolean } | null = null
        for (const st of steps) {
          if (st.kind === 'edit') {
            const editorActor = [editor, editor2, admin][st.actor]
            // An edit either makes a new text or types the signed text back exactly (same hash).
            const next = st.backToSigned && s.signOff ? s.signOff.hash : `h${++hashes}`
            if (sent) sent.edited = true
            const e = afterContentEdit(s, next, editorActor.id)
            // The CMS records an audit entry whenever an edit moves the stage (a voided sign-off).
            if (e && e.stage !== s.stage) log.push({ fromStage: s.stage, toStage: e.stage })
            s = { ...s, currentHash: next, ...(e ? { stage: e.stage, lastAuthorId: e.lastAuthorId } : {}) }
            continue
          }
          if (st.kind === 'sourceChange') {
            s = { ...s, currentHash: `h${++hashes}` }
            continue
          }
          const a = actors[st.actor]
          const d = decide(s, a, st.action, { note: st.note ? 'note' : undefined, reviewer: st.reviewer })
          if (d.ok && d.goesLive) s = { ...s, lastPublishedHash: s.currentHash }
          const allowed = availableActions(s, a).includes(st.action)
          // availableActions never offers what decide refuses on role or stage.
          if (!d.ok && (d.status === 403 || d.status === 409)) expect(allowed).toBe(false)
          if (!d.ok) continue
          if (d.to === 'medical_review') sent = { by: a.id, lastAuthor: s.lastAuthorId, edited: false }
          if (d.recordSignOff) {
            expect(sent, 'signed text was sent to medical review').not.toBeNull()
            expect(sent!.edited, 'no edit after sending to medical review').toBe(false)
            if (sent!.lastAuthor !== null) expect(sent!.by).not.toBe(sent!.lastAuthor)
          }
          log.push({ fromStage: d.from, toStage: d.to })
          const next: GuideState = { ...s, stage: d.to }
          if (d.assignReviewerId) next.assignedReviewerId = d.assignReviewerId
          if (d.restoreSigned) next.currentHash = s.signOff!.hash
          if (d.recordSignOff) {
            next.signOff = { userId: a.id, reviewerId: a.reviewerId!, at: 'now', hash: s.currentHash, version: null }
            signers.set(s.currentHash, { reviewerId: a.reviewerId!, assigned: s.assignedReviewerId })
          }
          if (d.goesLive) {
            next.live = true
            liveHash = s.currentHash
            const signer = signers.get(liveHash)
            expect(signer, 'published text was signed off').toBeDefined()
            expect(signer!.reviewerId).toBe(signer!.assigned)
            expect(s.signOff?.hash).toBe(liveHash)
          }
          if (d.goesOffline) {
            next.live = false
            liveHash = null
          }
          s = next
        }
        expect(replay(log)).toBe(s.stage)
        if (s.live) expect(signers.has(liveHash!)).toBe(true)
      }),
      { numRuns: 10_000 },
    )
  })
})
