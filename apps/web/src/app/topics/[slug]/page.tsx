import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { GuideList } from '@/components/GuideList'
import { getTopic, listGuides } from '@/lib/content'

type Props = { params: Promise<{ slug: string }> }
export const generateStaticParams = async () => []
export const dynamicParams = true

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const topic = await getTopic((await params).slug)
  return topic ? { title: topic.name, description: topic.description || `Runsense guides on ${topic.name}.`, alternates: { canonical: `/topics/${topic.slug}` } } : { title: 'Topic not found' }
}

export default async function TopicPage({ params }: Props) {
  const topic = await getTopic((await params).slug)
  if (!topic) notFound()
  const { guides } = await listGuides({ topicId: topic.id, limit: 100 })
  return (
    <>
      <h1 className="page-title">{topic.name}</h1>
      {topic.description ? <p className="lede">{topic.description}</p> : null}
      <GuideList guides={guides} />
    </>
  )
}
