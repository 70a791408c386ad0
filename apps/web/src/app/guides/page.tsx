import type { Metadata } from 'next'
import Link from 'next/link'
import { GuideList } from '@/components/GuideList'
import { listGuides, listTopics } from '@/lib/content'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'All guides', description: 'Every published Runsense guide, newest review first.', alternates: { canonical: '/guides' } }

type Props = { searchParams: Promise<{ page?: string; topic?: string }> }
const PER_PAGE = 20

export default async function GuidesPage({ searchParams }: Props) {
  const sp = await searchParams
  const page = Math.max(1, Math.min(1000, Number.parseInt(sp.page ?? '1', 10) || 1))
  const topics = await listTopics()
  const topic = sp.topic ? topics.find((t) => t.slug === sp.topic) : undefined
  const { guides, totalPages } = await listGuides({ limit: PER_PAGE, page, topicId: topic?.id })
  const href = (p: number) => `/guides?${new URLSearchParams({ ...(topic ? { topic: topic.slug } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`
  return (
    <>
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
