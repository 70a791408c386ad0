/**
 * The editorial and medical review workflow: who may move a guide, from where, to where.
 * Pure rules, no I/O: the CMS endpoint feeds it the guide's state and the acting user and
 * does what it decides; the admin UI asks it which buttons to show. "Who may sign off"
 * is answered here and nowhere else.
 */

export const STAGES = ['draft', 'editorial_review', 'medical_review', 'approved', 'published', 'changes_requested', 'archived'] as const
export type Stage = (typeof STAGES)[number]

export const ACTIONS = [
  'submit',
  'request_changes',
  'send_to_medical_review',
  'sign_off',
  'publish',
  'schedule_publish',
  'unpublish',
  'archive',
  'start_review',
  'restore',
  'discard_changes',
] as const
export type Action = (typeof ACTIONS)[number]

export type Role = 'admin' | 'editor' | 'reviewer'

/** What staff read for each stage and action: one place, used by the admin panel and the desk. */
export const STAGE_LABELS: Record<Stage, string> = {
  draft: 'Draft',
  editorial_review: 'Editorial review',
  medical_review: 'Medical review',
  approved: 'Approved (signed off)',
  published: 'Published',
  changes_requested: 'Changes requested',
  archived: 'Archived',
}
export const ACTION_LABELS: Record<Action, string> = {
  submit: 'Submit for editorial review',
  request_changes: 'Request changes',
  send_to_medical_review: 'Send to medical review',
  sign_off: 'Sign off',
  publish: 'Publish',
  schedule_publish: 'Schedule publish',
  unpublish: 'Unpublish',
  archive: 'Archive',
  start_review: 'Start re-review',
  restore: 'Restore to draft',
  discard_changes: 'Discard my changes (back to the signed text)',
}

/** Every kind of recorded workflow event: the actions, and what the workflow records on its own. */
export const WORKFLOW_EVENTS = [...ACTIONS, 'sign_off_voided', 'returned_to_editorial_review', 'signed_text_restored', 'import', 'note', 'delete'] as const
export type WorkflowEvent = (typeof WORKFLOW_EVENTS)[number]

/** What a recorded workflow event did, in the past tense (the desk's "who moved it last"). */
export const EVENT_LABELS: Record<WorkflowEvent, string> = {
  submit: 'Submitted for editorial review',
  request_changes: 'Changes requested',
  send_to_medical_review: 'Sent to medical review',
  sign_off: 'Signed off',
  publish: 'Published',
  schedule_publish: 'Publishing scheduled',
  unpublish: 'Unpublished',
  archive: 'Archived',
  start_review: 'Re-review started',
  restore: 'Restored to draft',
  discard_changes: 'Changes discarded (back to the signed text)',
  sign_off_voided: 'Edited after the sign-off (sign-off void)',
  returned_to_editorial_review: 'Edited in medical review (back to editorial review)',
  signed_text_restored: 'Edited back to the signed text',
  import: 'Imported',
  note: 'Note added',
  delete: 'Deleted',
}

export type Actor = {
  id: string
  role: Role
  /** The public reviewer profile this user signs off as (reviewer accounts only). */
  reviewerId: string | null
  /**
   * Until when that profile's credentials are verified by an admin (ISO time), or null when they
   * never were. A reviewer signs off only while it is in the future. Null for non-reviewers.
   */
  credentialsVerifiedUntil: string | null
}

export type SignOff = {
  userId: string
  reviewerId: string
  at: string
  hash: string
  version: string | null
}

export type GuideState = {
  stage: Stage
  /** Whether a published version is live on the site (it can be, whatever the working stage). */
  live: boolean
  /** The user who last changed the reviewed content: they may not send it to medical review. */
  lastAuthorId: string | null
  assignedReviewerId: string | null
  signOff: SignOff | null
  /** Hash of the working copy's reviewed content (every signed field, see signed-content.ts). */
  currentHash: string
  /** Hash of the text last published (null before the first publication). */
  lastPublishedHash?: string | null
  /**
   * The working copy differs from the live version only outside the sign-off, in fields an editor
   * may change without a review (the topics, signed-content.ts): there is something to publish.
   */
  unsignedChanges?: boolean
}

export type ActionInput = { note?: string; reviewer?: string; at?: string }

/** Problems that keep a guide from being published (the CMS computes them from the content). */
export type GateProblems = string[]

export type Decision =
  | {
      ok: true
      from: Stage
      to: Stage
      assignReviewerId?: string | null
      recordSignOff?: boolean
      goesLive?: boolean
      goesOffline?: boolean
      scheduleAt?: string
      /** The working copy takes back the signed text (discard_changes). */
      restoreSigned?: boolean
      /** Publishes what changed outside the sign-off; the reviewed text and its record stay as they are. */
      unsignedOnly?: boolean
    }
  | { ok: false; status: 400 | 403 | 409 | 422; error: string; missing?: string[] }

export const isEditor = (a: Actor) => a.role === 'editor' || a.role === 'admin'

/** Where each action may start from. */
const FROM: Record<Action, (s: GuideState) => boolean> = {
  submit: (s) => s.stage === 'draft' || s.stage === 'changes_requested',
  request_changes: (s) => s.stage === 'editorial_review' || s.stage === 'medical_review',
  send_to_medical_review: (s) => s.stage === 'editorial_review',
  sign_off: (s) => s.stage === 'medical_review',
  // Also a live guide whose only changes are outside the sign-off (topics): nothing to review.
  publish: (s) => s.stage === 'approved' || (s.stage === 'published' && s.live && Boolean(s.unsignedChanges)),
  schedule_publish: (s) => s.stage === 'approved',
  unpublish: (s) => s.live,
  archive: (s) => s.stage !== 'archived',
  // A re-review of a live guide, with or without edits (a flagged source, a review that is due):
  // the working copy goes to editorial review while the live version stays up, untouched. Also a
  // signed-off guide whose sign-off stopped matching (a source it cites changed): it cannot be
  // published as it is, and its text has not changed, so there is no edit to start a new cycle with.
  start_review: (s) =>
    (s.live && (s.stage === 'published' || s.stage === 'approved' || s.stage === 'draft' || s.stage === 'changes_requested')) ||
    (s.stage === 'approved' && s.signOff !== null && !signOffMatches(s)),
  // An archived guide comes back as a draft, offline, to go through the review again.
  restore: (s) => s.stage === 'archived',
  // Back to the signed text: only when there is a sign-off and the working copy has moved away from it.
  discard_changes: (s) => s.stage !== 'archived' && s.signOff !== null && !signOffMatches(s),
}

/**
 * Whether the sign-off covers the text as it is now (its cited sources included): the one test of
 * "is this still signed", used by the workflow, the desk and the newsletter (through the CMS's
 * signOffHolds).
 */
export function signOffMatches(s: { signOff: { hash?: string | null } | null; currentHash: string }) {
  return Boolean(s.signOff?.hash) && s.signOff!.hash === s.currentHash
}

const stageAfterUnpublish = (s: GuideState): Stage => (s.stage === 'published' ? (signOffMatches(s) ? 'approved' : 'draft') : s.stage)

/**
 * Who may take an action, given that it applies to the stage. Returns the refusal sentence,
 * or null when allowed. Admins may do what editors may; nobody signs off for another reviewer.
 */
function refusal(action: Action, s: GuideState, a: Actor): string | null {
  switch (action) {
    case 'submit':
      return isEditor(a) ? null : 'Only editors can submit a guide for editorial review.'
    case 'request_changes':
      if (s.stage === 'editorial_review') return isEditor(a) ? null : 'Only editors can request changes during editorial review.'
      return a.reviewerId !== null && a.reviewerId === s.assignedReviewerId ? null : 'Only the assigned medical reviewer can request changes during medical review.'
    case 'send_to_medical_review':
      if (!isEditor(a)) return 'Only editors can send a guide to medical review.'
      if (s.lastAuthorId !== null && s.lastAuthorId === a.id) return 'Four eyes: the editor who last changed the text cannot also send it to medical review; another editor must.'
      return null
    case 'sign_off':
      if (a.reviewerId === null || a.reviewerId !== s.assignedReviewerId)
        return 'Only the assigned medical reviewer can sign off this guide; nobody can sign off for another reviewer.'
      // A reviewer account, never an editor's or an admin's linked to the profile: whoever edits and sends cannot also sign.
      if (a.role !== 'reviewer') return 'Only medical reviewers sign off guides; an editor or admin account cannot, even linked to a reviewer profile.'
      return credentialsRefusal(a.credentialsVerifiedUntil, 'Your')
    case 'publish':
    case 'unpublish':
    case 'archive':
      return isEditor(a) ? null : `Only editors and admins can ${action} a guide.`
    case 'schedule_publish':
      return isEditor(a) ? null : 'Only editors and admins can schedule a guide for publishing.'
    case 'start_review':
      return isEditor(a) ? null : 'Only editors and admins can start a re-review of a guide.'
    case 'restore':
      return isEditor(a) ? null : 'Only editors and admins can restore an archived guide.'
    case 'discard_changes':
      return isEditor(a) ? null : 'Only editors and admins can discard changes to a guide.'
  }
}

/**
 * Why a reviewer whose credentials are verified until `verifiedUntil` (ISO time; null: never)
 * cannot sign off now, or null when they can: the one rule, for the reviewer themselves
 * (`whose` = 'Your') and for the editor choosing whom to send a guide to (their name).
 */
export function credentialsRefusal(verifiedUntil: string | null, whose: string, now = Date.now()): string | null {
  const who = whose === 'Your' ? 'you' : 'they'
  const profile = whose === 'Your' ? 'your reviewer profile' : 'their reviewer profile'
  if (verifiedUntil === null) return `${whose} credentials have not been verified yet, so ${who} cannot sign off. An admin verifies them on ${profile}.`
  if (Date.parse(verifiedUntil) <= now)
    return `${whose} credentials verification lapsed on ${verifiedUntil.slice(0, 10)}, so ${who} cannot sign off until an admin verifies them again on ${profile}.`
  return null
}

/** The publish gate: the sign-off covers exactly this text, and the content is complete. */
export function publishGate(s: GuideState, contentProblems: GateProblems): string[] {
  const missing: string[] = []
  if (!s.signOff) missing.push('A medical sign-off of this text.')
  else if (!signOffMatches(s)) missing.push('A sign-off of the current text: it, or a source it cites, changed after the sign-off.')
  else if (s.signOff.reviewerId !== s.assignedReviewerId) missing.push('A sign-off by the assigned reviewer.')
  return [...missing, ...contentProblems]
}

/** Publishing a changed text (not the first publication) needs the editor's public change note. */
const needsChangeNote = (s: GuideState, input: ActionInput) => historyKind(s.lastPublishedHash ?? null, s.currentHash) === 'updated' && !input.note?.trim()
const changeNoteMissing: Decision = {
  ok: false,
  status: 400,
  error: "Say what changed for readers: publishing a changed text needs a public change note, shown in the guide's review history.",
  missing: ['note'],
}

/**
 * The sentences of a refusal's `missing`, for a person: it also holds, for a request that lacked a
 * value, the bare name of that field ("note", "reviewer") for programs, and the refusal's own
 * sentence already says what to give.
 */
export const readableMissing = (missing: readonly string[] | undefined): string[] => (missing ?? []).filter((m) => !/^[A-Za-z_][\w.]*$/.test(m.trim()))

export function decide(s: GuideState, a: Actor, action: string, input: ActionInput = {}, contentProblems: GateProblems = []): Decision {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    return { ok: false, status: 400, error: `Unknown action "${String(action).slice(0, 40)}". Use one of: ${ACTIONS.join(', ')}.` }
  }
  const act = action as Action
  if (!FROM[act](s)) {
    return { ok: false, status: 409, error: `"${act}" does not apply to a guide in the "${s.stage}" stage${act === 'unpublish' ? ' that is not live' : ''}.` }
  }
  const why = refusal(act, s, a)
  if (why) return { ok: false, status: 403, error: why }
  const from = s.stage
  switch (act) {
    case 'submit':
      return { ok: true, from, to: 'editorial_review' }
    case 'request_changes':
      if (!input.note?.trim()) return { ok: false, status: 400, error: 'Say what needs to change: a note is required.', missing: ['note'] }
      return { ok: true, from, to: 'changes_requested' }
    case 'send_to_medical_review':
      if (!input.reviewer) return { ok: false, status: 400, error: 'Name the medical reviewer to send the guide to.', missing: ['reviewer'] }
      return { ok: true, from, to: 'medical_review', assignReviewerId: input.reviewer }
    case 'sign_off':
      return { ok: true, from, to: 'approved', recordSignOff: true }
    case 'publish': {
      const missing = publishGate(s, contentProblems)
      if (missing.length) return { ok: false, status: 422, error: 'This guide cannot be published yet.', missing }
      // The signed text is live already: only what lies outside the sign-off goes live, with no
      // review and no entry in the public review history (nothing was reviewed).
      if (from === 'published') return { ok: true, from, to: 'published', goesLive: true, unsignedOnly: true }
      if (needsChangeNote(s, input)) return changeNoteMissing
      return { ok: true, from, to: 'published', goesLive: true }
    }
    case 'schedule_publish': {
      // The gate is checked again when the time comes; here the time, and the change note the
      // publish will need (it is published with the note given now).
      const at = input.at ? Date.parse(input.at) : Number.NaN
      if (!Number.isFinite(at) || at <= Date.now()) return { ok: false, status: 400, error: 'Give a future date and time to publish at.', missing: ['at'] }
      if (needsChangeNote(s, input)) return changeNoteMissing
      return { ok: true, from, to: from, scheduleAt: new Date(at).toISOString() }
    }
    case 'unpublish':
      return { ok: true, from, to: stageAfterUnpublish(s), goesOffline: true }
    case 'archive':
      return { ok: true, from, to: 'archived', goesOffline: s.live }
    case 'start_review':
      return { ok: true, from, to: 'editorial_review' }
    case 'restore':
      return { ok: true, from, to: 'draft' }
    case 'discard_changes':
      return { ok: true, from, to: stageOfSignedText(s), restoreSigned: true }
  }
}

/** The actions this user may take now (the gate is checked only when publishing). */
export function availableActions(s: GuideState, a: Actor): Action[] {
  return ACTIONS.filter((act) => FROM[act](s) && refusal(act, s, a) === null)
}

/**
 * Why the assigned reviewer cannot sign off this guide now (their credentials' verification
 * lapsed or was never made), or null: shown to them where the "Sign off" button would be, so they
 * learn it, and who can fix it, before they have reviewed the text. Null for anyone else.
 */
export function signOffRefusalForAssignee(s: GuideState, a: Actor): string | null {
  if (!FROM.sign_off(s) || a.reviewerId === null || a.reviewerId !== s.assignedReviewerId) return null
  return refusal('sign_off', s, a)
}

/** What an edit of the reviewed content does to the workflow (see afterContentEdit). */
export type EditEffect = {
  stage: Stage
  lastAuthorId: string
  /**
   * 'voided': a sign-off no longer covers the text; 'returned': taken out of medical review;
   * 'signed_text_restored': the text is again exactly what was signed, so the sign-off holds again.
   */
  event: 'voided' | 'returned' | 'signed_text_restored' | null
}

/**
 * Where a guide stands when its working copy is exactly the signed text: live and already
 * published with that text → published (nothing to publish); otherwise signed off, ready to publish.
 */
export function stageOfSignedText(s: GuideState): Stage {
  return s.live && s.signOff !== null && s.lastPublishedHash === s.signOff.hash ? 'published' : 'approved'
}

/** Whether a text with this hash is covered by the guide's sign-off (same hash, signed by the assigned reviewer). */
const signedTextIs = (s: GuideState, hash: string) =>
  s.signOff !== null && s.signOff.hash === hash && (s.assignedReviewerId === null || s.signOff.reviewerId === s.assignedReviewerId)

/**
 * What an edit of the working copy does to the workflow. A change to the reviewed content after
 * sign-off voids it (back to draft). A change during medical review takes the guide back to
 * editorial review, so that another editor sends the text the reviewer will actually sign (four
 * eyes hold for the final text). An edit that brings the text back to exactly what was signed
 * (same hash) makes the sign-off hold again: signed off (or published, when that text is live),
 * with no new review cycle. Otherwise it only records the new last author.
 */
export function afterContentEdit(s: GuideState, newHash: string, editorId: string): EditEffect | null {
  if (newHash === s.currentHash) return null
  if (s.stage !== 'archived' && signedTextIs(s, newHash)) return { stage: stageOfSignedText(s), lastAuthorId: editorId, event: 'signed_text_restored' }
  if (s.stage === 'approved' || s.stage === 'published') return { stage: 'draft', lastAuthorId: editorId, event: 'voided' }
  if (s.stage === 'medical_review') return { stage: 'editorial_review', lastAuthorId: editorId, event: 'returned' }
  return { stage: s.stage, lastAuthorId: editorId, event: null }
}

/** What a publication was, for the public review history. */
import type { SignOffSignature } from './sign-off-signature'

export type HistoryKind = 'first_published' | 'updated' | 'reviewed' | 'corrected'

export const HISTORY_LABELS: Record<HistoryKind, string> = {
  first_published: 'First published',
  updated: 'Updated and reviewed',
  reviewed: 'Reviewed with no changes',
  corrected: 'Corrected',
}

/** One entry of a guide's public review history, as the workflow writes it and the site shows it. */
export type HistoryEntry = {
  kind: HistoryKind
  /** The review's date (the sign-off). */
  at: string
  publishedAt: string
  /** The reviewer as they were named at the time. */
  reviewer: { id: number; name: string; role: string; slug: string } | null
  /** The publishing editor's public change note. */
  note: string | null
  hash: string
  /** The reviewer's passkey signature of this sign-off; absent for sign-offs made before signatures. */
  signature?: SignOffSignature | null
}

/** A stored review history (JSON from the database or the API), or none. */
export const historyEntries = (value: unknown): HistoryEntry[] => (Array.isArray(value) ? (value as HistoryEntry[]) : [])

/** A publication's kind: the first one, a changed text, or the same text reviewed again. */
export function historyKind(lastPublishedHash: string | null, hash: string): Exclude<HistoryKind, 'corrected'> {
  if (lastPublishedHash === null) return 'first_published'
  return lastPublishedHash === hash ? 'reviewed' : 'updated'
}

/** Replays an audit log: each entry must start where the previous ended. Returns the final stage. */
export function replay(events: { fromStage: Stage; toStage: Stage }[], initial: Stage = 'draft'): Stage {
  let stage = initial
  for (const [i, e] of events.entries()) {
    if (e.fromStage !== stage) throw new Error(`Audit log entry ${i + 1} starts at "${e.fromStage}" but the guide was at "${stage}".`)
    stage = e.toStage
  }
  return stage
}
