import Link from 'next/link'
import type { GuideSummary } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'

/** A list of guides: title, dek, and who reviewed it when. Used by every list page. */
export function GuideList({ guides, headingLevel = 2 }: { guides: GuideSummary[]; headingLevel?: 2 | 3 }) {
  if (!guides.length) return <p>No guides are published here yet.</p>
  const H = `h${headingLevel}` as 'h2' | 'h3'
  return (
    <ul className="guide-list">
      {guides.map((g) => (
        <li key={g.id}>
          <H>
            <Link href={`/guides/${g.slug}`}>{g.title}</Link>
          </H>
          <p>{g.summary}</p>
          {g.reviewer && g.lastReviewedAt ? (
            <p className="meta">
              Reviewed by {g.reviewer.name}, {g.reviewer.role} · Last reviewed <time dateTime={isoDay(g.lastReviewedAt)}>{formatDate(g.lastReviewedAt)}</time>
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  )
}
