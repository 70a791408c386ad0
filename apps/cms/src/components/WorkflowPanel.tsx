'use client'
/**
 * The review workflow on a guide's edit view: stage, assignee, sign-off state, and one button
 * per action the current user may take now — exactly the actions GET /api/articles/:id/workflow
 * lists. Every rule is enforced by the server; this only shows it and reports its answers.
 */
import { useAuth, useDocumentInfo, useFormModified } from '@payloadcms/ui'
import { Fragment, useCallback, useEffect, useRef, useState } from 'react'
import { startAuthentication } from '@simplewebauthn/browser'
import { ACTION_LABELS, STAGE_LABELS, credentialsRefusal } from '@runsense/domain/workflow'
import { PanelMessage, type PanelMessageValue } from './PanelMessage'
import { staffTime } from '../lib/staffTime'

type Workflow = {
  stage: string
  live: boolean
  actions: string[]
  assignee: { id: number; name: string; role: string } | null
  signOff: { by: { name: string } | null; reviewer: { name: string } | null; at: string; matches: boolean } | null
  lastReviewedAt: string | null
  nextReviewDue: string | null
  history: { at: string; action: string; from: string; to: string; actor: { name: string } | null; note: string | null }[]
  changesSinceSignOff: { section: string; parts: { text: string; change: 'added' | 'removed' | 'same' }[] }[] | null
  reviewFlag: { reason: string; at: string } | null
  scheduledPublish: { at: string | null; error: string | null } | null
  lastAuthor: number | null
  signing: { title: string; summary: string; hash: string; version: number; at: string; sources: { number: number; label: string }[] }
  /** For the assigned reviewer who cannot sign off now: why, and who can fix it. */
  signOffRefused: string | null
}

const LABELS: Record<string, string> = ACTION_LABELS
const STAGE_NAMES: Record<string, string> = STAGE_LABELS
const day = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso))

export function WorkflowPanel() {
  // lastUpdateTime and savedDocumentData change on every save, autosave included: the panel follows.
  const { id, lastUpdateTime, savedDocumentData } = useDocumentInfo()
  const { user } = useAuth()
  // An edit not yet autosaved would be lost by the reload after an action (and the action would
  // apply to the text without it): the buttons wait for the save.
  const unsaved = useFormModified()
  const [wf, setWf] = useState<Workflow | null>(null)
  const [reviewers, setReviewers] = useState<{ id: number; name: string; role: string; verification?: { expiresAt?: string | null } | null }[]>([])
  const [note, setNote] = useState('')
  const [reviewer, setReviewer] = useState('')
  const [at, setAt] = useState('')
  const [message, setMessage] = useState<PanelMessageValue | null>(null)
  const [busy, setBusy] = useState(false)

  // Only the newest answer is shown: a slow answer to an older save never overwrites a newer one.
  const asked = useRef(0)
  const load = useCallback(async () => {
    if (!id) return
    const mine = ++asked.current
    const res = await fetch(`/api/articles/${id}/workflow`, { credentials: 'include' })
    if (res.ok && mine === asked.current) setWf(await res.json())
  }, [id])

  // Autosave saves every few keystrokes: ask once the saves pause, not after each one.
  const first = useRef(true)
  useEffect(() => {
    const timer = setTimeout(() => void load(), first.current ? 0 : 400)
    first.current = false
    return () => clearTimeout(timer)
  }, [load, lastUpdateTime, savedDocumentData?.updatedAt])
  // Open reader reports about this guide: a publication can close them as corrected.
  const [reports, setReports] = useState<{ id: number; message: string; createdAt: string }[]>([])
  const [corrects, setCorrects] = useState<number[]>([])
  useEffect(() => {
    if (!id || !wf?.actions.includes('publish') || wf.stage === 'published') return
    void fetch(`/api/reader-reports?where[article][equals]=${id}&where[status][equals]=open&limit=50&depth=0&sort=createdAt`, { credentials: 'include' })
      .then((r) => r.json())
      .then((r) => setReports(r.docs ?? []))
  }, [id, wf?.actions, wf?.stage])
  useEffect(() => {
    if (!wf?.actions.includes('send_to_medical_review')) return
    void fetch('/api/reviewers?limit=100&depth=0&sort=name', { credentials: 'include' })
      .then((r) => r.json())
      .then((r) => setReviewers(r.docs ?? []))
  }, [wf?.actions])
  // A guide going back to medical review goes, unless someone chooses otherwise, to the reviewer it had.
  // Someone who cannot sign off (credentials not verified, or lapsed) is listed but cannot be chosen: the server refuses them too.
  const cannotSignOff = (r: (typeof reviewers)[number]) => credentialsRefusal(r.verification?.expiresAt ?? null, r.name) !== null
  const hadReviewer = wf?.actions.includes('send_to_medical_review') ? wf.assignee?.id : undefined
  const hadCanSign = reviewers.some((r) => r.id === hadReviewer && !cannotSignOff(r))
  useEffect(() => {
    if (hadReviewer !== undefined && hadCanSign) setReviewer((chosen) => chosen || String(hadReviewer))
  }, [hadReviewer, hadCanSign])

  if (!id) return <p className="workflow-panel__hint">Save the guide once to start its review.</p>
  if (!wf) return <p className="workflow-panel__hint">Loading the review workflow…</p>

  /** What a reviewer confirms before signing: the text, its sources and its fingerprint, in words. */
  const signOffText = (w: Workflow) =>
    [
      `You are signing off "${w.signing.title}" as ${user && 'name' in user ? String(user.name) : 'yourself'}, as it is now (${staffTime(w.signing.at)}):`,
      `its title, summary, body, medical disclaimer and Safety section, byline and search description, and ${w.signing.sources.length} cited source${w.signing.sources.length === 1 ? '' : 's'}${w.signing.sources.length ? `: ${w.signing.sources.map((s) => `[${s.number}] ${s.label}`).join(', ')}` : ''}.`,
      `Fingerprint ${w.signing.hash.slice(0, 4)}…${w.signing.hash.slice(-4)}, version ${w.signing.version} of this guide.`,
      'Any later edit of the text voids this sign-off.',
    ].join('\n\n')

  async function run(action: string) {
    if (action === 'sign_off' && wf && !window.confirm(signOffText(wf))) return
    // Archiving takes a live guide offline: ask first, in words.
    // Discarding replaces the working text by the signed one: say which, and where the edits stay.
    if (action === 'discard_changes' && wf?.signOff && !window.confirm(discardText(wf))) return
    if (
      action === 'archive' &&
      !window.confirm(
        wf?.live ? 'Archive this guide? It goes offline for readers at once. It can be restored to a draft later.' : 'Archive this guide? It can be restored to a draft later.',
      )
    )
      return
    setBusy(true)
    setMessage(null)
    try {
      // A reviewer with a passkey signs the sign-off with it: the server derives the challenge from
      // this guide, its current hash, the reviewer and the time (the canonical string).
      let assertion: unknown
      if (action === 'sign_off') {
        const opts = await fetch(`/api/articles/${id}/sign-off-options`, { method: 'POST', credentials: 'include' })
        const o = (await opts.json().catch(() => ({}))) as { passkey?: boolean; options?: Parameters<typeof startAuthentication>[0]['optionsJSON']; error?: string }
        if (!opts.ok) {
          setMessage({ kind: 'error', text: o.error ?? `The server answered ${opts.status}.` })
          return
        }
        if (o.passkey && o.options) {
          try {
            assertion = await startAuthentication({ optionsJSON: o.options })
          } catch (err) {
            setMessage({ kind: 'error', text: `Your passkey did not sign, so nothing was changed: ${(err as Error).message}` })
            return
          }
        }
      }
      const res = await fetch(`/api/articles/${id}/workflow`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          action,
          note: note || undefined,
          reviewer: reviewer || undefined,
          at: action === 'schedule_publish' && at ? new Date(at).toISOString() : undefined,
          corrects: action === 'publish' && corrects.length ? corrects : undefined,
          assertion,
        }),
      })
      const body = await res.json().catch(() => ({}))
      if (res.ok) {
        setMessage({ kind: 'ok', text: `Done: the guide is now in "${STAGE_NAMES[body.stage] ?? body.stage}".` })
        setNote('')
        // Reload so the form shows the server's new state (stage, sign-off, dates).
        window.location.reload()
      } else {
        setMessage({ kind: 'error', text: body.error ?? `The server answered ${res.status}.`, missing: body.missing })
        await load()
      }
    } catch {
      setMessage({ kind: 'error', text: 'The CMS could not be reached. Nothing was changed; try again.' })
    } finally {
      setBusy(false)
    }
  }

  const next = nextStep(wf, user?.id === undefined ? null : Number(user.id))
  const request = wf.stage === 'changes_requested' ? lastRequest(wf) : null
  // Publishing a live guide's topics (stage published) changes no reviewed text: no change note, no corrections.
  const publishesUnsigned = wf.stage === 'published' && wf.actions.includes('publish')
  const takesNote = wf.actions.includes('request_changes') || (wf.actions.includes('publish') && !publishesUnsigned)
  const takesReviewer = wf.actions.includes('send_to_medical_review')
  return (
    <section className="workflow-panel" aria-labelledby="workflow-panel-title" data-testid="workflow-panel">
      <h3 id="workflow-panel-title">Review workflow</h3>
      <dl>
        <dt>Stage</dt>
        <dd data-testid="workflow-stage">
          {STAGE_NAMES[wf.stage] ?? wf.stage}
          {wf.live && wf.stage !== 'published' ? ' · readers see the signed version' : ''}
        </dd>
        <dt>Assigned reviewer</dt>
        <dd>{wf.assignee ? `${wf.assignee.name}, ${wf.assignee.role}` : 'None yet'}</dd>
        <dt>Sign-off</dt>
        <dd data-testid="workflow-signoff">
          {wf.signOff
            ? `Signed off by ${wf.signOff.by?.name ?? wf.signOff.reviewer?.name ?? 'a reviewer'} on ${day(wf.signOff.at)} — ${wf.signOff.matches ? 'matches the current text' : 'text changed since sign-off'}`
            : 'Not signed off'}
        </dd>
        {/* Only a live guide has a next review: an archived or restored one is offline. */}
        {wf.nextReviewDue && wf.live ? (
          <>
            <dt>Next review due</dt>
            <dd>{day(wf.nextReviewDue)}</dd>
          </>
        ) : null}
      </dl>
      {next ? (
        <p className="workflow-panel__next" data-testid="workflow-next" role="status">
          {next}
        </p>
      ) : null}
      {request ? (
        <div className="workflow-panel__banner" data-testid="workflow-changes-requested" role="note">
          <strong>
            Changes requested by {request.actor?.name ?? 'a reviewer'} on {day(request.at)}:
          </strong>{' '}
          {request.note}
        </div>
      ) : null}
      {wf.reviewFlag ? (
        <p className="workflow-panel__flag" role="note">
          Flagged for re-review: {wf.reviewFlag.reason}
        </p>
      ) : null}
      {wf.changesSinceSignOff?.length ? (
        <details className="workflow-panel__diff" open={wf.actions.includes('sign_off')} data-testid="workflow-diff">
          <summary>Changes since the last sign-off</summary>
          {wf.changesSinceSignOff.map((s) => (
            <div key={s.section}>
              <h4>{s.section}</h4>
              {diffBlocks(s.parts).map((b, i) => {
                // A replaced word reads "following next", never "followingnext": a space between the two.
                const words = b.parts.map((p, j) =>
                  p.change === 'added' ? (
                    <Fragment key={j}>
                      {b.parts[j - 1]?.change === 'removed' && !/\s$/.test(b.parts[j - 1].text) && !/^\s/.test(p.text) ? ' ' : null}
                      <ins>{p.text}</ins>
                    </Fragment>
                  ) : p.change === 'removed' ? (
                    <del key={j}>{p.text}</del>
                  ) : (
                    <span key={j}>{p.text}</span>
                  ),
                )
                return b.heading ? (
                  <h5 key={i} className="workflow-panel__diff-heading">
                    {words}
                  </h5>
                ) : (
                  <p key={i} style={{ whiteSpace: 'pre-wrap' }}>
                    {words}
                  </p>
                )
              })}
            </div>
          ))}
        </details>
      ) : null}
      {takesReviewer ? (
        <label className="workflow-panel__field">
          Medical reviewer
          <select value={reviewer} onChange={(e) => setReviewer(e.target.value)}>
            <option value="">Choose a reviewer…</option>
            {reviewers.map((r) => (
              <option key={r.id} value={r.id} disabled={cannotSignOff(r)}>
                {r.name}, {r.role}
                {cannotSignOff(r) ? ` — cannot sign off: ${r.verification?.expiresAt ? `verification lapsed on ${r.verification.expiresAt.slice(0, 10)}` : 'not verified'}` : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {wf.scheduledPublish?.at ? <p>Scheduled to publish on {staffTime(wf.scheduledPublish.at)}.</p> : null}
      {wf.scheduledPublish?.error ? (
        <p className="workflow-panel__flag" role="alert">
          {wf.scheduledPublish.error}
        </p>
      ) : null}
      {wf.actions.includes('schedule_publish') ? (
        <label className="workflow-panel__field">
          Publish at (for “Schedule publish”)
          <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
      ) : null}
      {takesNote ? (
        <label className="workflow-panel__field">
          {wf.actions.includes('publish') ? 'Change note for readers (shown in the public review history; required when the text changed)' : 'Note (required to request changes)'}
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
        </label>
      ) : null}
      {wf.actions.includes('publish') && !publishesUnsigned && reports.length ? (
        <fieldset className="workflow-panel__field" data-testid="workflow-corrects">
          <legend>This publication corrects (closes the report, tells the reader, and the history says “Corrected”)</legend>
          {reports.map((r) => (
            <label key={r.id} style={{ display: 'block' }}>
              <input type="checkbox" checked={corrects.includes(r.id)} onChange={(e) => setCorrects(e.target.checked ? [...corrects, r.id] : corrects.filter((x) => x !== r.id))} />{' '}
              Report of {day(r.createdAt)}: “{r.message.slice(0, 120)}”
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="workflow-panel__actions">
        {wf.actions.length === 0 ? <p className="workflow-panel__hint">No workflow action is yours to take at this stage.</p> : null}
        {unsaved && wf.actions.length ? (
          <p className="workflow-panel__hint" data-testid="workflow-saving">
            Saving your latest changes…
          </p>
        ) : null}
        {wf.actions.map((a) => (
          <button key={a} type="button" className="btn btn--style-secondary btn--size-small" disabled={busy || unsaved} onClick={() => run(a)}>
            {LABELS[a] ?? a}
          </button>
        ))}
      </div>
      <PanelMessage message={message} className={`workflow-panel__message workflow-panel__message--${message?.kind}`} />
      {wf.history.length ? (
        <details className="workflow-panel__history">
          <summary>History ({wf.history.length})</summary>
          <ol>
            {wf.history.map((h, i) => (
              <li key={i}>
                {day(h.at)}: {h.action.replace(/_/g, ' ')} by {h.actor?.name ?? 'the system'} ({h.from} → {h.to}){h.note ? ` — “${h.note}”` : ''}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  )
}

/** The confirmation of "Discard my changes", in words. */
const discardText = (w: Workflow) =>
  [
    `Discard the changes made since the sign-off? The guide's text goes back to exactly what ${w.signOff?.reviewer?.name ?? w.signOff?.by?.name ?? 'the reviewer'} signed off on ${day(w.signOff!.at)}.`,
    w.live
      ? 'Readers keep seeing the signed version; the guide is published with it again, with no new review.'
      : 'The sign-off holds again: the guide can be published without a new review.',
    'Your edits stay in the Versions tab.',
  ].join('\n\n')

const lastRequest = (w: Workflow) => [...w.history].reverse().find((h) => h.action === 'request_changes') ?? null

/** One sentence: where the guide stands for readers, and who acts next. */
function nextStep(w: Workflow, me: number | null): string | null {
  const readers = w.live ? ' Readers still see the signed version.' : ''
  // Before it is submitted; once submitted, the line says who acts next, as in a first review.
  if (w.signOff && !w.signOff.matches && w.stage === 'draft') return `Your change needs a new review.${readers}`
  switch (w.stage) {
    case 'editorial_review':
      return w.lastAuthor !== null && w.lastAuthor === me
        ? `Waiting for another editor to send it to medical review.${readers}`
        : `Ready for an editor who did not write it to send it to medical review.${readers}`
    case 'medical_review':
      // The assigned reviewer whose credentials lapsed has no "Sign off" button: say why.
      if (w.signOffRefused) return w.signOffRefused
      return `Waiting for ${w.assignee?.name ?? 'the assigned reviewer'} to sign off or request changes.${readers}`
    case 'approved':
      return w.signOff?.matches ? `Signed off: ready to publish.${readers}` : `The text changed after the sign-off: it needs a new review.${readers}`
    case 'changes_requested':
      return `Waiting for the author to make the requested changes and submit again.${readers}`
    case 'draft':
      return readers ? readers.trim() : null
    case 'published':
      // Only fields outside the sign-off changed (the topics): publishing needs no review.
      return w.actions.includes('publish') ? 'Your change leaves the reviewed text as signed (topics only): publish it to show readers, with no new review.' : null
    default:
      return null
  }
}

/** Payload's own publish and unpublish buttons are replaced by the workflow: they render nothing. */
export function NoPublishButton() {
  return null
}

type DiffPart = { text: string; change: 'added' | 'removed' | 'same' }
/**
 * A section's word diff as blocks: the diff's text separates blocks by a blank line and marks a
 * heading with "## " (collections/Articles/diff.ts); a heading is shown as a heading, without the mark.
 */
function diffBlocks(parts: DiffPart[]): { heading: boolean; parts: DiffPart[] }[] {
  const blocks: DiffPart[][] = [[]]
  for (const p of parts) {
    p.text.split('\n\n').forEach((piece, i) => {
      if (i > 0) blocks.push([])
      if (piece) blocks[blocks.length - 1].push({ text: piece, change: p.change })
    })
  }
  return blocks
    .filter((b) => b.length)
    .map((b) => {
      const heading = b[0].text.startsWith('## ')
      return { heading, parts: heading ? [{ ...b[0], text: b[0].text.slice(3) }, ...b.slice(1)].filter((p) => p.text) : b }
    })
}
