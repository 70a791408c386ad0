import Link from 'next/link'
import { SignupBlock } from '@/components/SignupBlock'
import { listGuides } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'

// Rendered per request from tagged, cached CMS reads (the CMS is not there at build time).
export const dynamic = 'force-dynamic'

export default async function Home() {
  const { guides } = await listGuides({ limit: 20 })
  return (
    <>
      <h1 className="page-title">Running guides, medically reviewed</h1>
      {guides.length === 0 ? (
        <p>No guides are published yet.</p>
      ) : (
        <ul className="guide-list">
          {guides.map((g) => (
            <li key={g.id}>
              <h2>
                <Link href={`/guides/${g.slug}`}>{g.title}</Link>
              </h2>
              <p>{g.summary}</p>
              {g.reviewer && g.lastReviewedAt ? (
                <p className="meta">
                  Reviewed by {g.reviewer.name}, {g.reviewer.role} · Last reviewed{' '}
                  <time dateTime={isoDay(g.lastReviewedAt)}>{formatDate(g.lastReviewedAt)}</time>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <SignupBlock source="home" />
    </>
  )
}
