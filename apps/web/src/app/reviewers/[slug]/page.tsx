import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getReviewer } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'

type Props = { params: Promise<{ slug: string }> }

export const generateStaticParams = async () => []
export const dynamicParams = true

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const found = await getReviewer((await params).slug)
  return found ? { title: found.reviewer.name, description: `${found.reviewer.name}, ${found.reviewer.role}` } : {}
}

export default async function ReviewerPage({ params }: Props) {
  const found = await getReviewer((await params).slug)
  if (!found) notFound()
  const { reviewer, guides } = found
  return (
    <article>
      <h1>{reviewer.name}</h1>
      <p className="byline">
        {reviewer.role}
        {reviewer.credentials ? `, ${reviewer.credentials}` : ''}
      </p>
      {reviewer.bio ? <p>{reviewer.bio}</p> : null}
      <h2>Guides reviewed</h2>
      {guides.length ? (
        <ul className="guide-list">
          {guides.map((g) => (
            <li key={g.id}>
              <Link href={`/guides/${g.slug}`}>{g.title}</Link>
              {g.lastReviewedAt ? (
                <span className="meta">
                  {' '}
                  — last reviewed <time dateTime={isoDay(g.lastReviewedAt)}>{formatDate(g.lastReviewedAt)}</time>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>No published guides yet.</p>
      )}
    </article>
  )
}
