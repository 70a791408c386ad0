import type { GetStaticPaths, GetStaticProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'
import { type GuideSummary, getReviewer } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'
import { taggedProps } from '@/lib/pageCache'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import type { Reviewer } from '@runsense/types'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { reviewer: Reviewer; guides: GuideSummary[]; cacheTags: string[] }

// Rendered on first request, kept until the CMS revalidates the reviewer or the guide lists.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' })

export const getStaticProps: GetStaticProps<Props, { slug: string }> = ({ params }) => taggedProps(() => getReviewer(params!.slug))

export default function ReviewerPage({ reviewer, guides }: Props) {
  return (
    <>
      <PageHead title={reviewer.name} description={`${reviewer.name}, ${reviewer.role}`} path={`/reviewers/${reviewer.slug}`} type="profile" />
      <article>
        <h1>{reviewer.name}</h1>
        <p className="byline">
          {reviewer.role}
          {reviewer.credentials ? `, ${reviewer.credentials}` : ''}
        </p>
        {reviewer.verification?.verifiedAt ? (
          <p className="meta">
            Credentials verified on <time dateTime={isoDay(reviewer.verification.verifiedAt)}>{formatDate(reviewer.verification.verifiedAt)}</time>
            {reviewer.registrationBody && reviewer.registrationNumber ? ` · ${reviewer.registrationBody} registration ${reviewer.registrationNumber}` : ''}.
          </p>
        ) : null}
        {reviewer.bio ? (
          <>
            <p className="meta">{EXEMPT_NOTICES.reviewerBio}</p>
            <p>{reviewer.bio}</p>
          </>
        ) : null}
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
    </>
  )
}
