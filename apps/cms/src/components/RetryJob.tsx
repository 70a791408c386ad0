'use client'
/**
 * On the desk's "Failed for good" list (admins only): try a job again once its cause is fixed.
 * The server checks that the caller is an admin and sends no email twice (endpoints/retryJob.ts);
 * this button only asks, and says what happened (the job leaves the list at the desk's next load).
 */
import { useState } from 'react'

export function RetryJob({ id }: { id: number }) {
  const [state, setState] = useState<{ busy: boolean; done?: boolean; message: string | null }>({ busy: false, message: null })

  const retry = async () => {
    setState({ busy: true, message: null })
    const res = await fetch(`/api/failed-jobs/${id}/retry`, { method: 'POST', credentials: 'include' }).catch(() => null)
    const body = ((await res?.json().catch(() => null)) ?? {}) as { job?: number | null; message?: string; error?: string }
    if (res?.ok) {
      setState({ busy: false, done: true, message: body.job ? `Queued again as job ${body.job}.` : (body.message ?? 'Nothing was left to send.') })
    } else {
      setState({ busy: false, message: body.error ?? 'Could not retry: the CMS did not answer. Try again in a moment.' })
    }
  }

  return (
    <span>
      {' '}
      {state.done ? null : (
        <button type="button" className="btn btn--style-secondary btn--size-small" onClick={retry} disabled={state.busy} style={{ margin: '0 0 0 0.5rem' }}>
          {state.busy ? 'Retrying…' : 'Retry'}
        </button>
      )}
      {state.message ? <span role="status"> {state.message}</span> : null}
    </span>
  )
}
