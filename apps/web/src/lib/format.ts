/** "June 9, 2026": dates are calendar days, shown the same wherever the server runs. */
export const formatDate = (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)) : null)

export const isoDay = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().slice(0, 10) : undefined)
