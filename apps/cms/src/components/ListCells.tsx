'use client'
/** Cells of the guides list that depend on the guide's stage. */
import type { DefaultCellComponentProps } from 'payload'

const day = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso))

/** "Next review due": none for an archived guide (it is offline; restoring starts a new review). */
export function NextReviewCell({ cellData, rowData }: DefaultCellComponentProps) {
  if ((rowData as { stage?: string })?.stage === 'archived') return <span>—</span>
  return <span>{typeof cellData === 'string' && cellData ? day(cellData) : '—'}</span>
}
