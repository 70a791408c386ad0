'use client'
/**
 * Read-only moments (a newsletter issue's scheduled, started and sent times, its send record) as
 * staff read them everywhere else: staffTime, in UTC and labelled. Payload's own date field and
 * list cell show the browser's local time without saying so, which read as the wrong hour to
 * anyone not in UTC.
 */
import type { DateFieldClientComponent, DefaultCellComponentProps } from 'payload'
import { FieldLabel, useField } from '@payloadcms/ui'
import { staffTime } from '../lib/staffTime'

const shown = (value: unknown) => (typeof value === 'string' && value ? staffTime(value) : '—')

export const StaffTimeField: DateFieldClientComponent = ({ field, path }) => {
  const { value } = useField<string>({ path: path ?? field.name })
  return (
    <div className="field-type read-only" style={{ marginBottom: 'var(--spacing-field, 1rem)' }}>
      <FieldLabel label={field.label} path={path} as="span" />
      <div data-testid={`staff-time-${field.name}`}>{shown(value)}</div>
    </div>
  )
}

export function StaffTimeCell({ cellData }: DefaultCellComponentProps) {
  return <span>{shown(cellData)}</span>
}
