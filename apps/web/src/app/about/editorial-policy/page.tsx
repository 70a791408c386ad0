import type { Metadata } from 'next'
import { RichBody } from '@/components/RichBody'
import { getEditorialPolicy } from '@/lib/content'

// Rendered per request from the tagged, cached CMS read (the CMS is not there at build time).
export const dynamic = 'force-dynamic'

export async function generateMetadata(): Promise<Metadata> {
  const policy = await getEditorialPolicy()
  return { title: policy.title, description: policy.summary ?? 'How Runsense guides are written and reviewed.', alternates: { canonical: '/about/editorial-policy' } }
}

export default async function EditorialPolicyPage() {
  const policy = await getEditorialPolicy()
  return (
    <article>
      <h1 className="page-title">{policy.title}</h1>
      {policy.summary ? <p className="lede">{policy.summary}</p> : null}
      <RichBody data={policy.body} />
    </article>
  )
}
