import Link from 'next/link'
import { HISTORY_LABELS, type HistoryEntry, historyEntries } from '@runsense/domain/workflow'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import type { Guide } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'

export const historyOf = (guide: Pick<Guide, 'reviewHistory'>): HistoryEntry[] => historyEntries(guide.reviewHistory)

/**
 * The public review history, newest first: what happened, when, who reviewed it (name and role
 * at the time) and the publishing editor's change note, marked as the editor's words, not reviewed.
 */
export function ReviewHistory({ entries }: { entries: HistoryEntry[] }) {
  if (!entries.length) return null
  return (
    <section aria-labelledby="history-heading" className="review-history">
      <h2 id="history-heading">Review history</h2>
      <ol reversed>
        {[...entries].reverse().map((e) => (
          <li key={`${e.publishedAt}-${e.hash}`}>
            {/* A correction's note is the publishing editor's words, as every entry's: marked as such, never as reviewed. */}
            {e.kind === 'corrected' ? (
              <>
                Corrected on <time dateTime={isoDay(e.at)}>{formatDate(e.at)}</time>:
              </>
            ) : (
              <>
                <time dateTime={isoDay(e.at)}>{formatDate(e.at)}</time>: {HISTORY_LABELS[e.kind] ?? e.kind}
              </>
            )}
            {e.reviewer ? (
              <>
                {e.kind === 'corrected' ? ' reviewed by ' : ', reviewed by '}
                <Link href={`/reviewers/${e.reviewer.slug}`}>{e.reviewer.name}</Link>, {e.reviewer.role}
              </>
            ) : null}
            .{e.note ? <span className="history-note"> Editor&rsquo;s note: {e.note}</span> : null}
          </li>
        ))}
      </ol>
      {entries.some((e) => e.note) ? <p className="meta">{EXEMPT_NOTICES.changeNotes}</p> : null}
    </section>
  )
}
