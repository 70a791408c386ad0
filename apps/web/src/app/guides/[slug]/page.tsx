import type { Metadata } from 'next'
import { draftMode } from 'next/headers'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { numberCitations } from '@runsense/domain/citations'
import { headingsOf, plainTextOf, readingMinutes } from '@runsense/domain/lexical'
import { GuideList } from '@/components/GuideList'
import { RichBody } from '@/components/RichBody'
import { SignupBlock } from '@/components/SignupBlock'
import { SourcesList } from '@/components/SourcesList'
import { getGuide, relatedGuides } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'
import { guideJsonLd, jsonLdString } from '@/lib/jsonld'
import { staffSession } from '@/lib/preview'

type Props = { params: Promise<{ slug: string }> }

// No guide is rendered at build time (the CMS is not running then); each is rendered on its
// first request and then served statically until the CMS revalidates its tag.
export const generateStaticParams = async () => []
export const dynamicParams = true

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const guide = await getGuide((await params).slug)
  if (!guide) return { title: 'Guide not found' }
  const title = guide.meta?.title || guide.title
  const description = guide.meta?.description || guide.summary
  return {
    title: { absolute: title.includes('Runsense') ? title : `${title} · Runsense` },
    description,
    alternates: { canonical: `/guides/${guide.slug}` },
    openGraph: { type: 'article', title, description, url: `/guides/${guide.slug}`, siteName: 'Runsense', modifiedTime: guide.updatedAt },
    twitter: { card: 'summary', title, description },
  }
}

/** In draft mode, staff (checked with the CMS on every request) see the latest draft; nobody else does. */
async function previewToken(): Promise<string | undefined> {
  if (!(await draftMode()).isEnabled) return undefined
  return (await staffSession())?.token
}

export default async function GuidePage({ params }: Props) {
  const slug = (await params).slug
  const token = await previewToken()
  const guide = await getGuide(slug, token)
  if (!guide) notFound()

  const numbering = numberCitations(guide.body)
  const byId = new Map(guide.sources.map((s) => [String(s.id), s]))
  const sources = numbering.order.map((id) => byId.get(id)).filter((s) => s !== undefined)
  const headings = headingsOf(guide.body).filter((h) => h.level === 2)
  const minutes = readingMinutes(`${plainTextOf(guide.body)} ${plainTextOf(guide.safety)}`)
  const related = await relatedGuides(guide)
  // Overdue: the true date stays, and the page says plainly that a new review is due.
  const overdue = guide.nextReviewDue ? new Date(guide.nextReviewDue).getTime() < Date.now() : false

  return (
    <article className="guide">
      {token ? (
        <p className="preview-banner" role="status">
          Draft preview: readers cannot see this version. <a href={`/api/preview/exit?slug=${guide.slug}`}>Leave preview</a>
        </p>
      ) : null}
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdString(guideJsonLd(guide, sources)) }} />
      <header>
        <h1>{guide.title}</h1>
        <p className="byline">
          <span>By {guide.byline}</span>
          {guide.reviewer ? (
            <span>
              {' · '}Reviewed by <Link href={`/reviewers/${guide.reviewer.slug}`}>{guide.reviewer.name}</Link>, {guide.reviewer.role}
            </span>
          ) : null}
          {guide.lastReviewedAt ? (
            <span>
              {' · '}Last reviewed <time dateTime={isoDay(guide.lastReviewedAt)}>{formatDate(guide.lastReviewedAt)}</time>
            </span>
          ) : null}
          <span>
            {' · '}
            {minutes} min read
          </span>
        </p>
        {guide.reviewer && guide.lastReviewedAt ? (
          <p className="review-line">
            Last reviewed {formatDate(guide.lastReviewedAt)} by <Link href={`/reviewers/${guide.reviewer.slug}`}>{guide.reviewer.name}</Link>,{' '}
            {guide.reviewer.role}. <Link href="/about/editorial-policy">How we review guides</Link>.
            {overdue ? <strong className="overdue"> This guide is due for its scheduled re-review.</strong> : null}
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
