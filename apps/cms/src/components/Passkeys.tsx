'use client'
/**
 * On an account page: the person's passkeys (reviewers sign their sign-offs with one). The
 * reviewer adds one ("Add a passkey", named), renames or retires their own; an admin sees them,
 * and sees when a reviewer has none. The server decides who may do what (ReviewerPasskeys).
 */
import { useAuth, useDocumentInfo } from '@payloadcms/ui'
import { startRegistration } from '@simplewebauthn/browser'
import { useCallback, useEffect, useState } from 'react'
import { staffTime } from '../lib/staffTime'

type Key = { id: number; name: string; credentialId: string; algorithm: number; addedAt: string; retiredAt?: string | null; lastUsedAt?: string | null }

export function Passkeys() {
  const { id, data } = useDocumentInfo()
  const { user } = useAuth()
  const [keys, setKeys] = useState<Key[] | null>(null)
  const [name, setName] = useState('')
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const me = user && id !== undefined && String(user.id) === String(id)
  const role = (data as { role?: string } | undefined)?.role
  const viewerRole = (user as { role?: string } | null)?.role

  const load = useCallback(async () => {
    if (id === undefined) return
    const res = await fetch(`/api/reviewer-passkeys?where[user][equals]=${id}&sort=addedAt&limit=100&depth=0`, { credentials: 'include' })
    const body = (await res.json().catch(() => ({}))) as { docs?: Key[] }
    setKeys(res.ok ? (body.docs ?? []) : [])
  }, [id])
  useEffect(() => {
    void load()
  }, [load])

  if (id === undefined || role !== 'reviewer' || !(me || viewerRole === 'admin')) return null

  const add = async () => {
    if (!name.trim()) {
      setMessage({ kind: 'error', text: 'Name the passkey first, e.g. "YubiKey" or "laptop".' })
      return
    }
    setBusy(true)
    setMessage(null)
    try {
      const opts = await fetch('/api/reviewer-passkeys/register/options', { method: 'POST', credentials: 'include' })
      const options = await opts.json()
      if (!opts.ok) throw new Error(options.error ?? `The server answered ${opts.status}.`)
      const response = await startRegistration({ optionsJSON: options })
      const res = await fetch('/api/reviewer-passkeys/register', {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: name.trim(), response }),
      })
      const body = await res.json().catch(() => ({}))
      if (!res.ok) throw new Error(body.error ?? `The server answered ${res.status}.`)
      setMessage({ kind: 'ok', text: `Passkey "${name.trim()}" added. Your sign-offs are now signed with a passkey.` })
      setName('')
      await load()
    } catch (err) {
      setMessage({ kind: 'error', text: `No passkey was added: ${(err as Error).message}` })
    } finally {
      setBusy(false)
    }
  }

  const patch = async (key: Key, data: Record<string, unknown>, done: string) => {
    const res = await fetch(`/api/reviewer-passkeys/${key.id}`, {
      method: 'PATCH',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    })
    const body = await res.json().catch(() => ({}))
    setMessage(res.ok ? { kind: 'ok', text: done } : { kind: 'error', text: body.errors?.[0]?.message ?? `The server answered ${res.status}.` })
    await load()
  }

  const rename = (key: Key) => {
    const next = window.prompt('New name for this passkey', key.name)
    if (next && next.trim()) void patch(key, { name: next.trim() }, `Renamed to "${next.trim()}".`)
  }
  const retire = (key: Key) => {
    if (!window.confirm(`Retire "${key.name}"? It can no longer sign. It stays published so your earlier signatures still verify.`)) return
    void patch(key, { retiredAt: new Date().toISOString() }, `"${key.name}" retired.`)
  }

  const active = (keys ?? []).filter((k) => !k.retiredAt)
  return (
    <section data-testid="passkeys" style={{ margin: '1.5rem 0', padding: '1rem', border: '1px solid var(--theme-elevation-150)', borderRadius: 4 }}>
      <h3 style={{ marginTop: 0 }}>Passkeys for signing off</h3>
      <p style={{ marginTop: 0 }}>
        Your sign-offs are signed with your passkey, and anyone can check the signature with its public key (published on your reviewer page). With a passkey, signing off always
        asks for it.
      </p>
      {keys === null ? (
        <p>Loading…</p>
      ) : keys.length === 0 ? (
        <p data-testid="passkeys-none">{me ? 'You have no passkey yet.' : 'This reviewer has no passkey yet: their sign-offs are not signed.'}</p>
      ) : (
        <ul style={{ paddingLeft: '1.2rem' }}>
          {keys.map((k) => (
            <li key={k.id} data-testid="passkey" style={{ marginBottom: '0.5rem' }}>
              <strong>{k.name}</strong> · added {staffTime(k.addedAt)}
              {k.lastUsedAt ? ` · last used ${staffTime(k.lastUsedAt)}` : ''}
              {k.retiredAt ? ` · retired ${staffTime(k.retiredAt)}` : ''}{' '}
              {!k.retiredAt ? (
                <>
                  <button type="button" className="btn btn--style-secondary btn--size-small" onClick={() => rename(k)}>
                    Rename
                  </button>{' '}
                  <button type="button" className="btn btn--style-secondary btn--size-small" onClick={() => retire(k)}>
                    Retire
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {me ? (
        <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}>
          <label>
            Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. YubiKey, laptop" data-testid="passkey-name" maxLength={80} />
          </label>
          <button type="button" className="btn btn--style-primary" onClick={add} disabled={busy}>
            Add a passkey
          </button>
        </div>
      ) : null}
      {!me && active.length === 0 && keys && keys.length > 0 ? <p>Every passkey of this reviewer is retired.</p> : null}
      {message ? (
        <p role={message.kind === 'error' ? 'alert' : 'status'} style={{ color: message.kind === 'error' ? 'var(--theme-error-500)' : undefined }}>
          {message.text}
        </p>
      ) : null}
    </section>
  )
}
