'use client'
/** Above the subscribers list (admins only): counts by status, erasures, and the CSV export. */
import { useEffect, useState } from 'react'

export function SubscriberCounts() {
  const [counts, setCounts] = useState<Record<string, number> | null>(null)
  useEffect(() => {
    void fetch('/api/subscribers/counts', { credentials: 'include' })
      .then((r) => (r.ok ? r.json() : null))
      .then(setCounts)
  }, [])
  if (!counts) return null
  return (
    <div className="subscriber-counts" data-testid="subscriber-counts">
      <p>
        <strong>{counts.confirmed}</strong> confirmed · <strong>{counts.pending}</strong> pending · <strong>{counts.unsubscribed}</strong> unsubscribed ·{' '}
        <strong>{counts.erased}</strong> erased on request
      </p>
      <a className="btn btn--style-secondary btn--size-small" href="/api/subscribers/export.csv">
        Export as CSV
      </a>
    </div>
  )
}
