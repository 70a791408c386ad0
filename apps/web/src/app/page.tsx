import { GuideList } from '@/components/GuideList'
import { SignupBlock } from '@/components/SignupBlock'
import { listGuides } from '@/lib/content'
import Link from 'next/link'

// Rendered per request from tagged, cached CMS reads (the CMS is not there at build time).
export const dynamic = 'force-dynamic'

export default async function Home() {
  const { guides, totalPages } = await listGuides({ limit: 10 })
  return (
    <>
      <h1 className="page-title">Running guides, medically reviewed</h1>
      <p className="lede">
        Plain-English coaching for runners. Every guide says who reviewed it and when. <Link href="/about/editorial-policy">How we review guides</Link>.
      </p>
      <h2 className="section-title">Newest guides</h2>
      <GuideList guides={guides} headingLevel={3} />
      {totalPages > 1 ? (
        <p>
          <Link href="/guides">All guides</Link>
        </p>
      ) : null}
      <SignupBlock source="home" />
    </>
  )
}
