import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { state: 'ask' | 'done' | 'invalid'; token: string }

/** GET shows one button; the POST (this same address, see proxy.ts) unsubscribes at once. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ query, res }) => {
  const token = typeof query.token === 'string' ? query.token : ''
  const done = query.done
  res.setHeader('Cache-Control', 'private, no-store')
  const state = done === '1' ? 'done' : done === 'invalid' || !token ? 'invalid' : 'ask'
  return { props: { state, token } }
}

export default function UnsubscribePage({ state, token }: Props) {
  const head = <PageHead title="Unsubscribe" description="Unsubscribe from the Runsense weekly guide." noindex />
  if (state === 'done') {
    return (
      <>
        {head}
        <h1 className="page-title">You&rsquo;re unsubscribed</h1>
        <p>We won&rsquo;t email you again. If this was a mistake, you can sign up again at any time.</p>
        <p>
          <Link href="/newsletter">Sign up again</Link>
        </p>
      </>
    )
  }
  if (state === 'invalid') {
    return (
      <>
        {head}
        <h1 className="page-title">This unsubscribe link is not valid</h1>
        <p>Please use the link from one of our emails exactly as it is. Every email we send has one.</p>
      </>
    )
  }
  return (
    <>
      {head}
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
