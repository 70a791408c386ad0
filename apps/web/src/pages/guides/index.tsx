import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { GuideList } from '@/components/GuideList'
import { PageHead } from '@/components/PageHead'
import { type GuideSummary, listGuides, listTopics } from '@/lib/content'
import { sameForEveryone } from '@/lib/pageCache'
import type { Topic } from '@runsense/types'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

const PER_PAGE = 20

type Props = { guides: GuideSummary[]; topics: Topic[]; topic: Topic | null; page: number; totalPages: number }

/** ?topic=<slug> filters, ?page=<n> pages; rendered per request from cached CMS reads. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ query, res }) => {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
  const page = Math.max(1, Math.min(1000, Number.parseInt(one(query.page) ?? '1', 10) || 1))
  const topics = await listTopics()
  const wanted = one(query.topic)
  const topic = (wanted && topics.find((t) => t.slug === wanted)) || null
  const { guides, totalPages } = await listGuides({ limit: PER_PAGE, page, topicId: topic?.id })
  sameForEveryone(res)
  return { props: { guides, topics, topic, page, totalPages } }
}

export default function GuidesPage({ guides, topics, topic, page, totalPages }: Props) {
  const href = (p: number) => `/guides?${new URLSearchParams({ ...(topic ? { topic: topic.slug } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`
  return (
    <>
      <PageHead
        title={topic ? `Guides on ${topic.name}` : 'All guides'}
        description={topic ? `Runsense guides on ${topic.name}, newest review first.` : 'Every published Runsense guide, newest review first.'}
        path="/guides"
      />
      <h1 className="page-title">{topic ? `Guides on ${topic.name}` : 'All guides'}</h1>
      {topics.length ? (
        <nav aria-label="Filter by topic" className="topic-filter">
          <ul>
            <li>
              <Link href="/guides" aria-current={!topic ? 'page' : undefined}>
                All topics
              </Link>
            </li>
            {topics.map((t) => (
              <li key={t.id}>
                <Link href={`/guides?topic=${t.slug}`} aria-current={topic?.id === t.id ? 'page' : undefined}>
                  {t.name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <GuideList guides={guides} />
      {totalPages > 1 ? (
        <nav aria-label="Pages" className="pagination">
          {page > 1 ? <Link href={href(page - 1)}>Newer guides</Link> : <span />}
          <span>
            Page {page} of {totalPages}
          </span>
          {page < totalPages ? <Link href={href(page + 1)}>Older guides</Link> : <span />}
        </nav>
      ) : null}
    </>
  )
}
