'use client'
/**
 * The send panel on a newsletter issue: preview (HTML and text, as a subscriber gets it),
 * "Send a test to me", "Send now" (confirming the recipient count), "Schedule", and while
 * sending a progress bar with a cancel button. Every rule is the server's; this only asks
 * and shows the answers, and offers only what the server would allow (decideIssueAction, the
 * rule the endpoints apply): a reviewer sees the issue and its progress, not buttons that 403.
 * The server previews, tests and sends what is saved, so while the form has unsaved changes
 * those buttons wait for the save (an unsaved edit never goes out unseen).
 */
import { useAuth, useDocumentInfo, useFormModified } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'
import { type IssueAction, type IssueStatus, ISSUE_STATUS_LABELS, decideIssueAction } from '@runsense/domain/newsletter'
import { roleOf } from '../access/roles'
import { staffTime } from '../lib/staffTime'
import { PanelMessage, type PanelMessageValue } from './PanelMessage'

type Progress = {
  status: IssueStatus
  recipients: number
  sent: number
  failed: number
  suppressed: number
  cancelled: number
  remaining: number
  scheduledFor: string | null
  startedAt: string | null
  sentAt: string | null
}

export function NewsletterIssuePanel() {
  const { id } = useDocumentInfo()
  const { user } = useAuth()
  const unsaved = useFormModified()
  const [progress, setProgress] = useState<Progress | null>(null)
  const [format, setFormat] = useState<'html' | 'text'>('html')
  const [preview, setPreview] = useState<string | null>(null)
  const [message, setMessage] = useState<PanelMessageValue | null>(null)
  const [at, setAt] = useState('')
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    if (!id) return
    const res = await fetch(`/api/newsletter-issues/${id}/progress`, { credentials: 'include', cache: 'no-store' })
    if (res.ok) setProgress(await res.json())
  }, [id])

  useEffect(() => {
    void load()
    const t = setInterval(load, 2000)
    return () => clearInterval(t)
  }, [load])

  const showPreview = async (f: 'html' | 'text') => {
    setFormat(f)
    const res = await fetch(`/api/newsletter-issues/${id}/preview?format=${f}`, { credentials: 'include', cache: 'no-store' })
    if (res.ok) {
      setPreview(await res.text())
      setMessage(null)
    } else {
      const body = await res.json().catch(() => ({}))
      setPreview(null)
      setMessage({ kind: 'error', text: body.error ?? `Preview failed (${res.status}).`, missing: body.missing })
    }
  }

  const post = async (path: string, body: unknown, done: (b: Record<string, unknown>) => string) => {
    setBusy(true)
    try {
      const res = await fetch(`/api/newsletter-issues/${id}/${path}`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const b = await res.json().catch(() => ({}))
      setMessage(res.ok ? { kind: 'ok', text: done(b) } : { kind: 'error', text: b.error ?? `Refused (${res.status}).`, missing: b.missing })
      await load()
    } finally {
      setBusy(false)
    }
  }

  if (!id) return <p>Save the issue to preview and send it.</p>
  const p = progress
  const unsent = p && (p.status === 'draft' || p.status === 'scheduled')
  const done = p ? p.sent + p.failed + p.suppressed + p.cancelled : 0
  const pct = p && p.recipients ? Math.round((done / p.recipients) * 100) : 0
  // The server's own rule for this person and this status: what it would refuse is not offered.
  const role = roleOf((user ?? null) as Parameters<typeof roleOf>[0])
  const may = (action: IssueAction) => (p ? decideIssueAction(role, action, p.status).ok : false)
  const refusal = p ? decideIssueAction(role, 'test', p.status) : null

  return (
    <section data-testid="newsletter-panel" style={{ border: '1px solid var(--theme-elevation-150)', borderRadius: 4, padding: 16, margin: '16px 0' }}>
      <h3 style={{ marginTop: 0 }}>Send</h3>
      {p ? (
        <p data-testid="newsletter-status">
          Status: <strong>{ISSUE_STATUS_LABELS[p.status] ?? p.status}</strong>
          {unsent ? ` · ${p.recipients} confirmed subscribers would get it now` : ''}
          {p.status === 'scheduled' && p.scheduledFor ? ` · scheduled for ${staffTime(p.scheduledFor)}` : ''}
          {p.startedAt ? ` · started ${staffTime(p.startedAt)}` : ''}
          {p.sentAt ? ` · sent ${staffTime(p.sentAt)}` : ''}
        </p>
      ) : null}
      {p && !unsent ? (
        <div data-testid="newsletter-progress">
          <progress max={p.recipients || 1} value={done} style={{ width: '100%' }} aria-label="Sent so far" />
          <p>
            {pct}% · recipients {p.recipients} · sent {p.sent} · failed {p.failed} · suppressed {p.suppressed}
            {p.status === 'cancelled' ? ` · not sent (cancelled) ${p.cancelled}` : ''} · remaining {p.remaining}
          </p>
        </div>
      ) : null}
      {refusal && !refusal.ok ? (
        <p data-testid="newsletter-refused" role="note">
          {refusal.error}
        </p>
      ) : null}
      {unsaved ? (
        <p data-testid="newsletter-unsaved" role="status">
          Save the issue first: previews, tests and sends use the saved issue, not these unsaved changes.
        </p>
      ) : null}
      <p style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <button type="button" className="btn btn--style-secondary btn--size-small" disabled={unsaved} onClick={() => showPreview('html')}>
          Preview HTML
        </button>
        <button type="button" className="btn btn--style-secondary btn--size-small" disabled={unsaved} onClick={() => showPreview('text')}>
          Preview text
        </button>
        {may('test') ? (
          <button
            type="button"
            className="btn btn--style-secondary btn--size-small"
            disabled={busy || unsaved}
            onClick={() => post('test', {}, (b) => `A test is on its way to ${b.to}.`)}
          >
            Send a test to me
          </button>
        ) : null}
        {unsent && may('send') ? (
          <button
            type="button"
            className="btn btn--style-primary btn--size-small"
            disabled={busy || unsaved}
            onClick={() => {
              if (window.confirm(`Send this issue now to ${p!.recipients} confirmed subscribers? This cannot be undone.`)) {
                void post('send', {}, (b) => `Sending to ${b.recipients} subscribers.`)
              }
            }}
          >
            Send now
          </button>
        ) : null}
        {p && may('cancel') ? (
          <button
            type="button"
            className="btn btn--style-secondary btn--size-small"
            disabled={busy}
            onClick={() => post('cancel', {}, (b) => (b.status === 'draft' ? 'Schedule cancelled: the issue is a draft again, nothing was sent.' : 'Sending cancelled.'))}
          >
            {p.status === 'sending' ? 'Cancel sending' : 'Cancel schedule'}
          </button>
        ) : null}
      </p>
      {unsent && may('schedule') ? (
        <p style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <label htmlFor="newsletter-schedule-at">Schedule for</label>
          <input id="newsletter-schedule-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          {/* The picker takes the browser's local time; say which moment that is in staff time. */}
          {at && !Number.isNaN(Date.parse(at)) ? <span data-testid="newsletter-schedule-utc">= {staffTime(new Date(at).toISOString())}</span> : null}
          <button
            type="button"
            className="btn btn--style-secondary btn--size-small"
            disabled={busy || unsaved || !at}
            onClick={() => post('send', { at: new Date(at).toISOString() }, (b) => `Scheduled for ${staffTime(String(b.at))}.`)}
          >
            Schedule
          </button>
        </p>
      ) : null}
      <PanelMessage message={message} testId="newsletter-message" />
      {preview !== null ? (
        format === 'html' ? (
          <iframe
            title="Email preview (HTML)"
            data-testid="newsletter-preview"
            sandbox=""
            srcDoc={preview}
            style={{ width: '100%', height: 600, border: '1px solid var(--theme-elevation-150)', background: '#fff' }}
          />
        ) : (
          <pre data-testid="newsletter-preview-text" style={{ whiteSpace: 'pre-wrap', border: '1px solid var(--theme-elevation-150)', padding: 12 }}>
            {preview}
          </pre>
        )
      ) : null}
    </section>
  )
}
