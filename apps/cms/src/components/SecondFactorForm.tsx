'use client'
/**
 * Two-factor sign-in in the admin (/admin/second-factor): set up an authenticator app (first
 * sign-in), or enter a code (or a recovery code) for this session. Every rule is the server's
 * (/api/users/second-factor/*); this only asks and reports its answers.
 */
import { usePathname } from 'next/navigation'
import { useCallback, useEffect, useState } from 'react'
import { startAuthentication } from '@simplewebauthn/browser'

type Status = { required: boolean; enrolled: boolean; passed: boolean; passkey?: boolean }

async function post(path: string, body?: unknown) {
  const res = await fetch(`/api/users/second-factor/${path}`, {
    method: 'POST',
    credentials: 'include',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  return { ok: res.ok, body: (await res.json().catch(() => ({}))) as Record<string, any> }
}

export function SecondFactorForm() {
  const [status, setStatus] = useState<Status | null>(null)
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null)
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [code, setCode] = useState('')
  const [recoveryCode, setRecoveryCode] = useState('')

  const load = useCallback(async () => {
    const res = await fetch('/api/users/second-factor', { credentials: 'include' })
    if (res.ok) setStatus(await res.json())
  }, [])
  useEffect(() => void load(), [load])

  const start = async () => {
    setError(null)
    const res = await post('enrol')
    if (res.ok) setSetup(res.body as { secret: string; uri: string })
    else setError(res.body.error ?? 'Could not start the setup.')
  }
  const confirm = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    const res = await post('confirm', { code })
    if (res.ok) {
      setRecoveryCodes(res.body.recoveryCodes)
      setSetup(null)
      await load()
    } else setError(res.body.error ?? 'That code does not match.')
  }
  const verify = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    const res = await post('verify', recoveryCode ? { recoveryCode } : { code })
    if (res.ok) window.location.assign('/admin')
    else setError(res.body.error ?? 'That code is not valid.')
  }

  // Reviewers with a passkey may pass the second factor with it instead of a code.
  const withPasskey = async () => {
    setError(null)
    const opts = await post('passkey/options')
    if (!opts.ok) return setError(opts.body.error ?? 'Could not ask for your passkey.')
    try {
      const assertion = await startAuthentication({ optionsJSON: opts.body as never })
      const res = await post('passkey', { assertion })
      if (res.ok) window.location.assign('/admin')
      else setError(res.body.error ?? 'Your passkey was not accepted.')
    } catch (err) {
      setError(`Your passkey did not answer: ${(err as Error).message}`)
    }
  }

  if (!status) return <p>Loading…</p>
  return (
    <div data-testid="second-factor" style={{ maxWidth: '36rem' }}>
      {error ? (
        <p role="alert" data-testid="second-factor-error" style={{ color: 'var(--theme-error-500)' }}>
          {error}
        </p>
      ) : null}
      {status.passkey && !status.passed && !recoveryCodes ? (
        <p>
          <button type="button" className="btn btn--style-primary" onClick={withPasskey} data-testid="second-factor-passkey">
            Use your passkey
          </button>
        </p>
      ) : null}
      {recoveryCodes ? (
        <section aria-labelledby="recovery-heading">
          <h2 id="recovery-heading">Your recovery codes</h2>
          <p>Each works once, instead of a code from your app. Keep them somewhere safe: they are not shown again.</p>
          <ul data-testid="recovery-codes" style={{ fontFamily: 'monospace' }}>
            {recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <a href="/admin" className="btn btn--style-primary">
            Continue
          </a>
        </section>
      ) : status.enrolled && !status.passed ? (
        <form onSubmit={verify}>
          <p>Enter the 6-digit code from your authenticator app.</p>
          <label htmlFor="second-factor-code">Code</label>
          <input id="second-factor-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <details>
            <summary>Use a recovery code instead</summary>
            <label htmlFor="second-factor-recovery">Recovery code</label>
            <input id="second-factor-recovery" value={recoveryCode} onChange={(e) => setRecoveryCode(e.target.value)} />
          </details>
          <button type="submit" className="btn btn--style-primary">
            Continue
          </button>
        </form>
      ) : status.enrolled ? (
        <p data-testid="second-factor-passed">
          Two-factor sign-in is on, and this session has passed it. <a href="/admin">Continue</a>
        </p>
      ) : setup ? (
        <form onSubmit={confirm}>
          <p>Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</p>
          <p>
            Key: <code data-testid="second-factor-secret">{setup.secret}</code>
          </p>
          <p>
            <a href={setup.uri}>Open in an authenticator app</a>
          </p>
          <label htmlFor="second-factor-code">Code</label>
          <input id="second-factor-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <button type="submit" className="btn btn--style-primary">
            Turn on two-factor sign-in
          </button>
        </form>
      ) : (
        <div>
          <p>
            {status.required
              ? 'Your account needs two-factor sign-in: set up an authenticator app to continue.'
              : 'Two-factor sign-in is not required for your account, but you can turn it on.'}
          </p>
          <button type="button" className="btn btn--style-primary" onClick={start}>
            Set up an authenticator app
          </button>
        </div>
      )}
    </div>
  )
}

/**
 * In every admin page: sends a person whose session still needs the second factor to
 * /admin/second-factor (first sign-in: to set it up). The server refuses sign-off and
 * publishing from such a session whatever the browser does.
 */
export function SecondFactorGate({ children }: { children?: React.ReactNode }) {
  // The admin moves between pages without reloading (the login form too): check on every path.
  const pathname = usePathname()
  useEffect(() => {
    if (!pathname || /\/admin\/(second-factor|login|logout|forgot|reset|create-first-user)/.test(pathname)) return
    let cancelled = false
    void fetch('/api/users/second-factor', { credentials: 'include' })
      .then((res) => (res.ok ? (res.json() as Promise<Status>) : null))
      .then((s) => {
        if (!cancelled && s && s.required && !s.passed) window.location.assign('/admin/second-factor')
      })
      .catch(() => {})
    return () => {
      cancelled = true
    }
  }, [pathname])
  return <>{children}</>
}
