import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { GuideList } from '@/components/GuideList'
import { PageHead } from '@/components/PageHead'
import { SignupBlock } from '@/components/SignupBlock'
import { type GuideSummary, listGuides } from '@/lib/content'
import { sameForEveryone } from '@/lib/pageCache'
import { SITE_DESCRIPTION } from '@/lib/site'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { guides: GuideSummary[]; more: boolean }

// Rendered per request from the cached CMS read (the CMS is not there at build time).
export const getServerSideProps: GetServerSideProps<Props> = async ({ res }) => {
  const { guides, totalPages } = await listGuides({ limit: 10 })
  sameForEveryone(res)
  return { props: { guides, more: totalPages > 1 } }
}

export default function Home({ guides, more }: Props) {
  return (
    <>
      <PageHead title="Runsense — medically reviewed running guides" description={SITE_DESCRIPTION} path="/" />
      <h1 className="page-title">Running guides, medically reviewed</h1>
      <p className="lede">
        Plain-English coaching for runners. Every guide says who reviewed it and when. <Link href="/about/editorial-policy">How we review guides</Link>.
      </p>
      <h2 className="section-title">Newest guides</h2>
      <GuideList guides={guides} headingLevel={3} />
      {more ? (
        <p>
          <Link href="/guides">All guides</Link>
        </p>
      ) : null}
      <SignupBlock source="home" />
    </>
  )
}
