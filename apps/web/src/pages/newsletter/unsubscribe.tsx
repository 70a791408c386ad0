import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { PageHead } from '@/components/PageHead'
import { SignupError, callCms } from '@/lib/newsletter'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { state: 'ask' | 'done' | 'invalid' | 'unavailable'; token: string }

// (The CMS client's sentences speak of signups: this one is about unsubscribing.)
const UNAVAILABLE = 'Unsubscribing is unavailable for a moment.'

/**
 * GET shows one button and changes nothing (mail scanners prefetch links). A POST to this same
 * address unsubscribes at once: mail clients send it for RFC 8058 one-click (body
 * "List-Unsubscribe=One-Click"), the button sends the same form. The token in the address is all
 * it needs (no login); idempotent. The answer: a 303 back here with ?done=, or JSON when asked for.
 * When the CMS cannot be reached, a 503 (mail clients retry a one-click POST) with this page
 * saying so and offering the button again: nothing was changed, and the reader can try again.
 */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, query, res }) => {
  const token = typeof query.token === 'string' ? query.token : ''
  res.setHeader('Cache-Control', 'private, no-store')
  if (req.method === 'POST') {
    const wantsJson = (req.headers.accept || '').includes('application/json')
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      return { props: { state: 'invalid', token: '' } } as const
    }
    try {
      const { result } = await callCms('unsubscribe', { token })
      const ok = result === 'unsubscribed'
      if (wantsJson) return answer(ok ? 200 : 400, { ok, result })
      return { redirect: { destination: `/newsletter/unsubscribe?done=${ok ? '1' : 'invalid'}`, statusCode: 303 } }
    } catch (err) {
      if (!(err instanceof SignupError)) console.error('unsubscribe failed', err)
      if (wantsJson) return answer(503, { error: `${UNAVAILABLE} Please try again shortly.` })
      res.statusCode = 503
      res.setHeader('Retry-After', '60')
      return { props: { state: 'unavailable', token } }
    }
  }
  const done = query.done
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
      {state === 'unavailable' && <p role="alert">{`${UNAVAILABLE} You are still subscribed: nothing was changed. Please press the button again in a minute.`}</p>}
      <form method="post" action={`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" className="button">
          Unsubscribe
        </button>
      </form>
    </>
  )
}
