import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { isValidSlug } from '@runsense/domain/slug'
import { PageHead } from '@/components/PageHead'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { guide: string | null }

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => ({
  props: { guide: typeof query.guide === 'string' && isValidSlug(query.guide) ? query.guide : null },
})

export default function Thanks({ guide }: Props) {
  return (
    <>
      <PageHead title="Thank you for your report" description="Your report reached the editors." noindex />
      <h1 className="page-title">Thank you for your report</h1>
      <p>It reached the editors, who read every report. If you left an email address, you will hear back once when it is resolved.</p>
      <p>{guide ? <Link href={`/guides/${guide}`}>Back to the guide</Link> : <Link href="/guides">Back to the guides</Link>}</p>
    </>
  )
}
