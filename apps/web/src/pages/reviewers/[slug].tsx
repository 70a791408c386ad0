import type { GetStaticPaths, GetStaticProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'
import { type GuideSummary, type PublishedKeyRecord, getReviewer, getReviewerKeys } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'
import { taggedProps } from '@/lib/pageCache'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import type { Reviewer } from '@runsense/types'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { reviewer: Reviewer; guides: GuideSummary[]; keys: PublishedKeyRecord[]; cacheTags: string[] }

// Rendered on first request, kept until the CMS revalidates the reviewer or the guide lists.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' })

export const getStaticProps: GetStaticProps<Props, { slug: string }> = ({ params }) =>
  taggedProps(async () => {
    const found = await getReviewer(params!.slug)
    return found ? { ...found, keys: await getReviewerKeys(found.reviewer) } : null
  })

const ALGORITHMS: Record<number, string> = { [-7]: 'ES256 (ECDSA P-256)', [-8]: 'EdDSA (Ed25519)', [-257]: 'RS256' }

export default function ReviewerPage({ reviewer, guides, keys }: Props) {
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
        <h2 id="signing-keys">Signing keys</h2>
        {keys.length ? (
          <>
            <p>
              Sign-offs are signed with these passkeys. Check any signature with the public keys in <a href={`/reviewers/${reviewer.slug}/keys.json`}>keys.json</a>.
            </p>
            <ul className="keys">
              {keys.map((k) => (
                <li key={k.credentialId}>
                  <code>{k.credentialId}</code> · {ALGORITHMS[k.alg] ?? `algorithm ${k.alg}`} · added <time dateTime={isoDay(k.addedAt)}>{formatDate(k.addedAt)}</time>
                  {k.retiredAt ? (
                    <>
                      {' '}
                      · retired <time dateTime={isoDay(k.retiredAt)}>{formatDate(k.retiredAt)}</time>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>No signing keys yet: sign-offs by this reviewer are not signed with a passkey.</p>
        )}
      </article>
    </>
  )
}
