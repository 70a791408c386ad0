import type { GetServerSideProps } from 'next'
import { PageHead } from '@/components/PageHead'
import { RichBody } from '@/components/RichBody'
import { getEditorialPolicy } from '@/lib/content'
import { sameForEveryone } from '@/lib/pageCache'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import type { EditorialPolicy } from '@runsense/types'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { policy: EditorialPolicy }

// Rendered per request from the cached CMS read (the CMS is not there at build time).
export const getServerSideProps: GetServerSideProps<Props> = async ({ res }) => {
  const policy = await getEditorialPolicy()
  sameForEveryone(res)
  return { props: { policy } }
}

export default function EditorialPolicyPage({ policy }: Props) {
  return (
    <>
      {/* Fixed wording: a search result or link card would show the editors' title or summary without its exempt notice. */}
      <PageHead title="Editorial policy" description="How Runsense guides are written and medically reviewed." path="/about/editorial-policy" />
      <article>
        <h1 className="page-title">{policy.title}</h1>
        <p className="meta">{EXEMPT_NOTICES.editorialPolicy}</p>
        {policy.summary ? <p className="lede">{policy.summary}</p> : null}
        <RichBody data={policy.body} />
      </article>
    </>
  )
}
