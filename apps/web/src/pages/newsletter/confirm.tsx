import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'
import { SignupBlock } from '@/components/SignupBlock'
import { callCms } from '@/lib/newsletter'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type State = 'ask' | 'confirmed' | 'already_confirmed' | 'expired' | 'invalid' | 'unavailable'
type Props = { state: State; token: string }

/**
 * The emailed link (GET) shows one button and changes nothing: mail scanners prefetch links, and
 * a GET that confirmed would subscribe people who never clicked. The button POSTs to this same
 * address, which confirms and answers with a 303 back here with ?done= (the result to show).
 */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, query, res }) => {
  res.setHeader('Cache-Control', 'private, no-store')
  if (req.method === 'POST') {
    const token = typeof query.token === 'string' ? query.token : ''
    let result: Exclude<State, 'ask'>
    try {
      const answer = String((await callCms('confirm', { token })).result)
      result = answer === 'confirmed' || answer === 'already_confirmed' || answer === 'expired' ? answer : 'invalid'
    } catch {
      result = 'unavailable'
    }
    const destination = result === 'unavailable' ? `/newsletter/confirm?token=${encodeURIComponent(token)}&done=unavailable` : `/newsletter/confirm?done=${result}`
    return { redirect: { destination, statusCode: 303 } }
  }
  const token = typeof query.token === 'string' ? query.token.slice(0, 200) : ''
  const done = typeof query.done === 'string' ? query.done : ''
  const state: State = (['confirmed', 'already_confirmed', 'expired', 'invalid', 'unavailable'] as const).find((s) => s === done) ?? (token ? 'ask' : 'invalid')
  return { props: { state, token } }
}

export default function ConfirmPage({ state, token }: Props) {
  const head = <PageHead title="Confirm your subscription" description="Confirming your Runsense subscription." noindex />
  if (state === 'ask') {
    return (
      <>
        {head}
        <h1 className="page-title">Confirm your subscription</h1>
        <p>One button and you&rsquo;re in: one running guide a week, calm, useful, no spam.</p>
        <form method="post" action={`/newsletter/confirm?token=${encodeURIComponent(token)}`}>
          <button type="submit" className="button">
            Confirm my subscription
          </button>
        </form>
      </>
    )
  }
  if (state === 'confirmed') {
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
  if (state === 'already_confirmed') {
    return (
      <>
        {head}
        <h1 className="page-title">You&rsquo;re already subscribed</h1>
        <p>This link has been used: your subscription is confirmed, and nothing more is needed. The next weekly guide comes to your inbox.</p>
        <p>
          <Link href="/">Read the guides</Link>
        </p>
      </>
    )
  }
  if (state === 'unavailable') {
    return (
      <>
        {head}
        <h1 className="page-title">We couldn&rsquo;t confirm just now</h1>
        <p>Something went wrong on our side. Please try again in a minute.</p>
        {token ? (
          <form method="post" action={`/newsletter/confirm?token=${encodeURIComponent(token)}`}>
            <button type="submit" className="button">
              Confirm my subscription
            </button>
          </form>
        ) : null}
      </>
    )
  }
  return (
    <>
      {head}
      <h1 className="page-title">{state === 'expired' ? 'This link has expired' : 'This link has already been used or is not valid'}</h1>
      <p>Confirmation links work once, for 48 hours. Sign up again and we&rsquo;ll send you a fresh one.</p>
      <SignupBlock source="newsletter-confirm" />
    </>
  )
}
