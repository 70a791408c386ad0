'use client'
/**
 * A plain HTML form that works without JavaScript (POST, then a page). With JavaScript it
 * posts JSON and shows the answer inline, without a page load.
 */
import { useState } from 'react'

export function SignupForm({ source, error, value }: { source?: string; error?: string; value?: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'ok' | 'error'; text?: string }>(error ? { kind: 'error', text: error } : { kind: 'idle' })

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    setState({ kind: 'busy' })
    try {
      const res = await fetch('/api/newsletter', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email: data.get('email'), source: data.get('source') || undefined, website: data.get('website') || undefined }),
      })
      const body = await res.json().catch(() => ({}))
      setState(res.ok ? { kind: 'ok', text: body.message } : { kind: 'error', text: body.error || 'Something went wrong. Please try again.' })
    } catch {
      setState({ kind: 'error', text: 'We could not reach the server. Please try again.' })
    }
  }

  if (state.kind === 'ok') {
    return (
      <p className="signup-message signup-message--ok" role="status">
        {state.text}
      </p>
    )
  }
  const invalid = state.kind === 'error'
  return (
    <form method="post" action="/api/newsletter" className="signup-form" onSubmit={onSubmit} noValidate>
      <label htmlFor="signup-email">Email address</label>
      <div className="signup-row">
        <input
          id="signup-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={value}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? 'signup-error' : undefined}
        />
        <button type="submit" disabled={state.kind === 'busy'}>
          Subscribe
        </button>
      </div>
      {invalid ? (
        <p id="signup-error" className="signup-message signup-message--error" role="alert">
          {state.text}
        </p>
      ) : null}
      {source ? <input type="hidden" name="source" value={source} /> : null}
      {/* A field people never see; bots fill it in. */}
      <div className="hp" aria-hidden="true">
        <label>
          Leave this empty
          <input type="text" name="website" tabIndex={-1} autoComplete="off" />
        </label>
      </div>
    </form>
  )
}
