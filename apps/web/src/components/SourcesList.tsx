import { formatSource, formatSourceParts } from '@runsense/domain/sources'
import type { CitedSource } from '@/lib/content'

/** The numbered Sources list, in order of first citation; a retracted source says so. */
export function SourcesList({ sources }: { sources: CitedSource[] }) {
  if (!sources.length) return null
  return (
    <section aria-labelledby="sources-heading" className="sources">
      <h2 id="sources-heading">Sources</h2>
      <ol>
        {sources.map((s, i) => {
          const parts = formatSourceParts(s)
          return (
            <li key={s.id} id={`source-${i + 1}`}>
              {formatSource({ ...s, doi: null, url: null })}
              {parts.doiUrl ? (
                <>
                  {' '}
                  <a href={parts.doiUrl}>doi:{parts.doi}</a>
                </>
              ) : parts.url ? (
                <>
                  {' '}
                  <a href={parts.url}>{parts.url}</a>
                </>
              ) : null}
              {s.note ? ` (${s.note})` : null}
              {s.retracted ? <strong className="retracted"> This source has been retracted. The guide is being reviewed again.</strong> : null}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
