import type { Metadata } from 'next'
import Link from 'next/link'

export const metadata: Metadata = { title: 'Unsubscribe', robots: { index: false } }
export const dynamic = 'force-dynamic'

type Props = { searchParams: Promise<{ token?: string; done?: string }> }

/** GET shows one button; the POST (this same address) unsubscribes at once. */
export default async function UnsubscribePage({ searchParams }: Props) {
  const { token, done } = await searchParams
  if (done === '1') {
    return (
      <>
        <h1 className="page-title">You&rsquo;re unsubscribed</h1>
        <p>We won&rsquo;t email you again. If this was a mistake, you can sign up again at any time.</p>
        <p>
          <Link href="/newsletter">Sign up again</Link>
        </p>
      </>
    )
  }
  if (done === 'invalid' || typeof token !== 'string' || !token) {
    return (
      <>
        <h1 className="page-title">This unsubscribe link is not valid</h1>
        <p>Please use the link from one of our emails exactly as it is. Every email we send has one.</p>
      </>
    )
  }
  return (
    <>
      <h1 className="page-title">Unsubscribe from the weekly guide</h1>
      <form method="post" action={`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" className="button">
          Unsubscribe
        </button>
      </form>
    </>
  )
}
