import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { REPORT_ERRORS } from '@runsense/domain/reader-report'
import { isValidSlug } from '@runsense/domain/slug'
import { PageHead } from '@/components/PageHead'
import { ReportForm } from '@/components/ReportForm'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { guide: string; error: string | null; message: string; email: string }

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '')

/** The report form again, with what the reader typed and why it was not accepted (no-JS path). */
export const getServerSideProps: GetServerSideProps<Props> = async ({ query, res }) => {
  res.setHeader('Cache-Control', 'no-store')
  const guide = text(query.guide, 200)
  if (!isValidSlug(guide)) return { notFound: true }
  // Only our own sentences, chosen by code: a link cannot put its own words on this page.
  const code = text(query.error, 20)
  const error = Object.hasOwn(REPORT_ERRORS, code) ? REPORT_ERRORS[code as keyof typeof REPORT_ERRORS] : null
  return { props: { guide, error, message: text(query.message, 2000), email: text(query.email, 254) } }
}

export default function Feedback({ guide, error, message, email }: Props) {
  return (
    <>
      <PageHead title="Report a problem with a guide" description="Tell the editors what is wrong with a guide." noindex />
      <p>
        <Link href={`/guides/${guide}`}>Back to the guide</Link>
      </p>
      <ReportForm guide={guide} error={error ?? undefined} message={message} email={email} />
    </>
  )
}
