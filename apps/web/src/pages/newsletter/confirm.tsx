import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'
import { SignupBlock } from '@/components/SignupBlock'
import { callCms } from '@/lib/newsletter'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Result = 'confirmed' | 'expired' | 'invalid' | 'unavailable'
type Props = { result: Result }

/** The emailed link: confirms the subscription its token names (once). Never cached. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ query, res }) => {
  const token = typeof query.token === 'string' ? query.token : ''
  let result: Result
  try {
    const answer = String((await callCms('confirm', { token })).result)
    result = answer === 'confirmed' || answer === 'expired' ? answer : 'invalid'
  } catch {
    result = 'unavailable'
  }
  res.setHeader('Cache-Control', 'private, no-store')
  return { props: { result } }
}

export default function ConfirmPage({ result }: Props) {
  const head = <PageHead title="Confirm your subscription" description="Confirming your Runsense subscription." noindex />
  if (result === 'confirmed') {
    return (
      <>
        {head}
        <h1 className="page-title">You&rsquo;re subscribed</h1>
        <p>Thanks for confirming. Your first guide arrives with the next weekly email. We also sent you a short welcome note.</p>
        <p>
          <Link href="/">Read the guides</Link>
        </p>
      </>
    )
  }
  if (result === 'unavailable') {
    return (
      <>
        {head}
        <h1 className="page-title">We couldn&rsquo;t confirm just now</h1>
        <p>Something went wrong on our side. Please open the link from your email again in a minute.</p>
      </>
    )
  }
  return (
    <>
      {head}
      <h1 className="page-title">{result === 'expired' ? 'This link has expired' : 'This link has already been used or is not valid'}</h1>
      <p>Confirmation links work once, for 48 hours. Sign up again and we&rsquo;ll send you a fresh one.</p>
      <SignupBlock source="newsletter-confirm" />
    </>
  )
}
