import type { GetStaticPaths, GetStaticProps } from 'next'
import { GuideArticle } from '@/components/GuideArticle'
import { PageHead } from '@/components/PageHead'
import { type Guide, type GuideSummary, getGuide, relatedGuides } from '@/lib/content'
import { taggedProps } from '@/lib/pageCache'
import { type SignatureInfo, guideSignature } from '@/lib/signature'

// Plain HTML: no framework JavaScript on the page readers come for (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { guide: Guide; related: GuideSummary[]; signature: SignatureInfo | null; cacheTags: string[] }

// No guide is rendered at build time (the CMS is not running then); each is rendered on its
// first request and kept until the CMS revalidates one of its tags (the guide, its sources,
// the lists its related guides come from). Staff drafts are served by app/preview/guides.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' })

export const getStaticProps: GetStaticProps<Props, { slug: string }> = ({ params }) =>
  taggedProps(async () => {
    const guide = await getGuide(params!.slug)
    return guide ? { guide, related: await relatedGuides(guide), signature: await guideSignature(guide) } : null
  })

export default function GuidePage({ guide, related, signature }: Props) {
  return (
    <>
      <PageHead
        title={guide.meta?.title || guide.title}
        description={guide.meta?.description || guide.summary}
        path={`/guides/${guide.slug}`}
        type="article"
        modifiedTime={guide.updatedAt}
        reviewRecord={`/guides/${guide.slug}/review.json`}
      />
      <GuideArticle guide={guide} related={related} signature={signature} />
    </>
  )
}
