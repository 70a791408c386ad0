import type { GetStaticPaths, GetStaticProps } from 'next'
import { GuideList } from '@/components/GuideList'
import { PageHead } from '@/components/PageHead'
import { type GuideSummary, getTopic, listGuides } from '@/lib/content'
import { taggedProps } from '@/lib/pageCache'
import type { Topic } from '@runsense/types'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { topic: Topic; guides: GuideSummary[]; cacheTags: string[] }

// Rendered on first request, kept until the CMS revalidates the topic or the guide lists.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' })

export const getStaticProps: GetStaticProps<Props, { slug: string }> = ({ params }) =>
  taggedProps(async () => {
    const topic = await getTopic(params!.slug)
    return topic ? { topic, guides: (await listGuides({ topicId: topic.id, limit: 100 })).guides } : null
  })

export default function TopicPage({ topic, guides }: Props) {
  return (
    <>
      {/* Search snippets and link cards show no exempt notice: the description there is fixed wording, never the editors' description. */}
      <PageHead title={topic.name} description={`Medically reviewed Runsense guides on ${topic.name}.`} path={`/topics/${topic.slug}`} />
      <h1 className="page-title">{topic.name}</h1>
      {topic.description ? (
        <>
          <p className="lede">{topic.description}</p>
          <p className="meta">{EXEMPT_NOTICES.topicDescription}</p>
        </>
      ) : null}
      <GuideList guides={guides} />
    </>
  )
}
