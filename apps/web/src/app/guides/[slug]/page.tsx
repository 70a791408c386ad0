import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { numberCitations } from '@runsense/domain/citations'
import { RichBody } from '@/components/RichBody'
import { SignupBlock } from '@/components/SignupBlock'
import { SourcesList } from '@/components/SourcesList'
import { getGuide } from '@/lib/content'
import { formatDate, isoDay } from '@/lib/format'

type Props = { params: Promise<{ slug: string }> }

// No guide is rendered at build time (the CMS is not running then); each is rendered on its
// first request and then served statically until the CMS revalidates its tag.
export const generateStaticParams = async () => []
export const dynamicParams = true

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const guide = await getGuide((await params).slug)
  if (!guide) return {}
  return {
    title: guide.title,
    description: guide.summary,
    alternates: { canonical: `/guides/${guide.slug}` },
  }
}

export default async function GuidePage({ params }: Props) {
  const guide = await getGuide((await params).slug)
  if (!guide) notFound()

  const numbering = numberCitations(guide.body)
  const byId = new Map(guide.sources.map((s) => [String(s.id), s]))
  const sources = numbering.order.map((id) => byId.get(id)).filter((s) => s !== undefined)

  return (
    <article className="guide">
      <header>
        <h1>{guide.title}</h1>
        <p className="byline">
          <span>By {guide.byline}</span>
          {guide.reviewer ? (
            <span>
              {' · '}Reviewed by <Link href={`/reviewers/${guide.reviewer.slug}`}>{guide.reviewer.name}</Link>,{' '}
              {guide.reviewer.role}
            </span>
          ) : null}
          {guide.lastReviewedAt ? (
            <span>
              {' · '}Last reviewed <time dateTime={isoDay(guide.lastReviewedAt)}>{formatDate(guide.lastReviewedAt)}</time>
            </span>
          ) : null}
        </p>
      </header>
      <p className="disclaimer">{guide.disclaimer}</p>
      <RichBody data={guide.body} citationNumber={numbering.numberOf} />
      <section aria-labelledby="safety-heading" className="safety">
        <h2 id="safety-heading">Safety</h2>
        <RichBody data={guide.safety} />
      </section>
      <SourcesList sources={sources} />
      <SignupBlock source={guide.slug} />
    </article>
  )
}
