import type { GetStaticPaths, GetStaticProps } from 'next'
import { GuideArticle } from '@/components/GuideArticle'
import { PageHead } from '@/components/PageHead'
import { type Guide, type GuideSummary, getGuide, relatedGuides } from '@/lib/content'
import { taggedProps } from '@/lib/pageCache'
import { type SignatureInfo, guideSignature } from '@/lib/signature'
import { previewingStaff } from '@/lib/preview'

// Plain HTML: no framework JavaScript on the page readers come for (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { guide: Guide; related: GuideSummary[]; signature: SignatureInfo | null; cacheTags: string[]; preview: boolean }

// No guide is rendered at build time (the CMS is not running then); each is rendered on its
// first request and kept until the CMS revalidates one of its tags (the guide, its sources,
// the lists its related guides come from).
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' })

// Staff preview: /api/preview turns on Next's draft mode for staff, and this same page is then
// rendered per request, never cached (Next answers it no-store). Draft mode alone grants nothing:
// the visitor's real CMS session is checked with the CMS on every request and the draft is read
// with it; anyone else gets the same 404 as a missing guide.
export const getStaticProps: GetStaticProps<Props, { slug: string }> = async ({ params, draftMode }) => {
  if (draftMode) {
    const session = await previewingStaff()
    const guide = session ? await getGuide(params!.slug, session.token) : null
    return guide ? { props: { guide, related: await relatedGuides(guide), signature: null, cacheTags: [], preview: true } } : { notFound: true }
  }
  return taggedProps(async () => {
    const guide = await getGuide(params!.slug)
    return guide ? { guide, related: await relatedGuides(guide), signature: await guideSignature(guide), preview: false } : null
  })
}

export default function GuidePage({ guide, related, signature, preview }: Props) {
  return (
    <>
      <PageHead
        title={preview ? 'Draft preview' : guide.meta?.title || guide.title}
        description={guide.meta?.description || guide.summary}
        path={preview ? undefined : `/guides/${guide.slug}`}
        type="article"
        modifiedTime={guide.updatedAt}
        reviewRecord={preview ? undefined : `/guides/${guide.slug}/review.json`}
        noindex={preview}
      />
      <GuideArticle guide={guide} related={related} signature={signature} preview={preview} />
    </>
  )
}
