import { readableMissing } from '@runsense/domain/workflow'

/** What a panel's last action answered: a status line, or an alert with what is missing, if anything (its sentences only: readableMissing). */
export type PanelMessageValue = { kind: 'ok' | 'error'; text: string; missing?: string[] }

export function PanelMessage({ message, className, testId }: { message: PanelMessageValue | null; className?: string; testId?: string }) {
  if (!message) return null
  const missing = readableMissing(message.missing)
  return (
    <div role={message.kind === 'error' ? 'alert' : 'status'} className={className} data-testid={testId}>
      <p>{message.text}</p>
      {missing.length ? (
        <ul>
          {missing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
