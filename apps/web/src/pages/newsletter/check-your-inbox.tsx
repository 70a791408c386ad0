import Link from 'next/link'
import { PageHead } from '@/components/PageHead'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

export default function CheckYourInbox() {
  return (
    <>
      <PageHead title="Check your inbox" description="We sent you an email with a link to confirm your subscription." noindex />
      <h1 className="page-title">Check your inbox</h1>
      <p>We sent you an email with a link to confirm your subscription. The link works for 48 hours.</p>
      <p>If nothing arrives in a few minutes, check your spam folder, or sign up again.</p>
      <p>
        <Link href="/">Back to the guides</Link>
      </p>
    </>
  )
}
