/** A moment as staff read it on the desk, in notices and in the history: "Dec 1, 2026, 7:10 AM UTC". */
export const staffTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC'
