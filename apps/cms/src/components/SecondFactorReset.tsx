'use client'
/**
 * On a person's account page, for admins: reset their second factor (they set it up again at
 * their next sign-in). The server checks that the caller is an admin and records the reset in
 * the audit log; this button only asks.
 */
import { useAuth, useDocumentInfo } from '@payloadcms/ui'
import { useState } from 'react'

export function SecondFactorReset() {
  const { id } = useDocumentInfo()
  const { user } = useAuth()
  const [message, setMessage] = useState<string | null>(null)
  if (!id || (user as { role?: string } | null)?.role !== 'admin') return null

  const reset = async () => {
    if (!window.confirm('Reset this person’s second factor? They set it up again at their next sign-in.')) return
    const res = await fetch(`/api/users/${id}/second-factor/reset`, { method: 'POST', credentials: 'include' })
    const body = (await res.json().catch(() => ({}))) as { reset?: boolean; error?: string }
    setMessage(
      res.ok ? (body.reset ? 'Second factor reset: they set it up again at their next sign-in.' : 'This person had no second factor.') : (body.error ?? 'Could not reset.'),
    )
  }

  return (
    <div data-testid="second-factor-reset" style={{ marginBottom: '1.5rem' }}>
      <button type="button" className="btn btn--style-secondary" onClick={reset}>
        Reset second factor
      </button>
      {message ? <p role="status">{message}</p> : null}
    </div>
  )
}
