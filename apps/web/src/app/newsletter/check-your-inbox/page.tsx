import type { Metadata } from 'next'
import Link from 'next/link'

export const metadata: Metadata = { title: 'Check your inbox', robots: { index: false } }

export default function CheckYourInbox() {
  return (
    <>
      <h1 className="page-title">Check your inbox</h1>
      <p>We sent you an email with a link to confirm your subscription. The link works for 48 hours.</p>
      <p>If nothing arrives in a few minutes, check your spam folder, or sign up again.</p>
      <p>
        <Link href="/">Back to the guides</Link>
      </p>
    </>
  )
}
