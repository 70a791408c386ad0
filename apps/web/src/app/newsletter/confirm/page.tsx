import type { Metadata } from 'next'
import Link from 'next/link'
import { SignupBlock } from '@/components/SignupBlock'
import { callCms } from '@/lib/newsletter'

export const metadata: Metadata = { title: 'Confirm your subscription', robots: { index: false } }
export const dynamic = 'force-dynamic'

type Props = { searchParams: Promise<{ token?: string }> }

export default async function ConfirmPage({ searchParams }: Props) {
  const { token } = await searchParams
  let result: string
  try {
    result = String((await callCms('confirm', { token: typeof token === 'string' ? token : '' })).result)
  } catch {
    result = 'unavailable'
  }
  if (result === 'confirmed') {
    return (
      <>
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
        <h1 className="page-title">We couldn&rsquo;t confirm just now</h1>
        <p>Something went wrong on our side. Please open the link from your email again in a minute.</p>
      </>
    )
  }
  return (
    <>
      <h1 className="page-title">{result === 'expired' ? 'This link has expired' : 'This link has already been used or is not valid'}</h1>
      <p>Confirmation links work once, for 48 hours. Sign up again and we&rsquo;ll send you a fresh one.</p>
      <SignupBlock source="newsletter-confirm" />
    </>
  )
}
