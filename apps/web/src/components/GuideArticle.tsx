import Link from 'next/link'
import { numberCitations } from '@runsense/domain/citations'
import { headingsOf, plainTextOf, readingMinutes } from '@runsense/domain/lexical'
import { GuideList } from '@/components/GuideList'
import { RichBody } from '@/components/RichBody'
import { SignupBlock } from '@/components/SignupBlock'
import { ReportForm } from '@/components/ReportForm'
import { ReviewHistory, historyOf } from '@/components/ReviewHistory'
import { SourcesList } from '@/components/SourcesList'
import type { Guide, GuideSummary } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'
import { guideJsonLd, jsonLdString } from '@/lib/jsonld'
import type { SignatureInfo } from '@/lib/signature'

/**
 * A guide as readers see it: byline, "Last reviewed DATE by NAME, ROLE", disclaimer, contents,
 * body with numbered citations, Safety, Sources, related guides and the signup. The public page
 * (pages/guides/[slug].tsx) renders it, in draft mode with the staff preview banner.
 */
export function GuideArticle({
  guide,
  related,
  preview = false,
  signature = null,
}: {
  guide: Guide
  related: GuideSummary[]
  preview?: boolean
  signature?: SignatureInfo | null
}) {
  const numbering = numberCitations(guide.body)
  const byId = new Map(guide.sources.map((s) => [String(s.id), s]))
  const sources = numbering.order.map((id) => byId.get(id)).filter((s) => s !== undefined)
  const headings = headingsOf(guide.body).filter((h) => h.level === 2)
  const minutes = readingMinutes(`${plainTextOf(guide.body)} ${plainTextOf(guide.safety)}`)
  // Overdue: the true date stays, and the page says plainly that a new review is due.
  const overdue = guide.nextReviewDue ? new Date(guide.nextReviewDue).getTime() < Date.now() : false

  return (
    <article className="guide">
      {preview ? (
        <p className="preview-banner" role="status">
          Draft preview: readers cannot see this version. <a href={`/api/preview/exit?slug=${guide.slug}`}>Leave preview</a>
        </p>
      ) : null}
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdString(guideJsonLd(guide, sources)) }} />
      <header>
        <h1>{guide.title}</h1>
        <p className="byline">
          <span>By {guide.byline}</span>
          <span>
            {' · '}
            {minutes} min read
          </span>
        </p>
        {guide.reviewer && guide.lastReviewedAt ? (
          <p className="review-line">
            Reviewed by <Link href={`/reviewers/${guide.reviewer.slug}`}>{guide.reviewer.name}</Link>, {guide.reviewer.role} · Last reviewed{' '}
            <time dateTime={isoDay(guide.lastReviewedAt)}>{formatDate(guide.lastReviewedAt)}</time>. <Link href="/about/editorial-policy">How we review guides</Link>
            {' · '}
            <a href={`/guides/${guide.slug}/review.json`}>Review record</a>
            {signature ? (
              <>
                {' · '}
                {/* Checked on the site's server with the reviewer's published key (lib/signature.ts). */}
                <a href={`/guides/${guide.slug}/review.json`} className={`signature signature-${signature.status}`} data-signature={signature.status}>
                  {signature.label}
                </a>
              </>
            ) : null}
            .{overdue ? <strong className="overdue"> This guide is due for its scheduled re-review.</strong> : null}
          </p>
        ) : null}
      </header>
      <p className="disclaimer">{guide.disclaimer}</p>
      {headings.length > 1 ? (
        <nav className="toc" aria-labelledby="toc-heading">
          <h2 id="toc-heading">In this guide</h2>
          <ol>
            {headings.map((h) => (
              <li key={h.id}>
                <a href={`#${h.id}`}>{h.text}</a>
              </li>
            ))}
            <li>
              <a href="#safety-heading">Safety</a>
            </li>
            {sources.length ? (
              <li>
                <a href="#sources-heading">Sources</a>
              </li>
            ) : null}
          </ol>
        </nav>
      ) : null}
      <RichBody data={guide.body} citationNumber={numbering.numberOf} />
      <section aria-labelledby="safety-heading" className="safety">
        <h2 id="safety-heading">Safety</h2>
        <RichBody data={guide.safety} />
      </section>
      <SourcesList sources={sources} />
      <ReviewHistory entries={historyOf(guide)} />
      {preview ? null : <ReportForm guide={guide.slug} />}
      {related.length ? (
        <section aria-labelledby="related-heading" className="related">
          <h2 id="related-heading">Related guides</h2>
          <GuideList guides={related} headingLevel={3} />
        </section>
      ) : null}
      <SignupBlock source={guide.slug} />
    </article>
  )
}
