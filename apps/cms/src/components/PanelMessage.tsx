/** What a panel's last action answered: a status line, or an alert with what is missing, if anything. */
export type PanelMessageValue = { kind: 'ok' | 'error'; text: string; missing?: string[] }

/**
 * The API's `missing` holds sentences (what the publish gate or a send still needs) and, for a
 * request that lacked a value, the bare name of that field ("note", "reviewer") for programs; the
 * refusal's own sentence already says what to give, so a person is shown only the sentences.
 */
export const readableMissing = (missing: string[] | undefined): string[] => (missing ?? []).filter((m) => !/^[A-Za-z_][\w.]*$/.test(m.trim()))

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
