import type { GetServerSideProps } from 'next'
import { PageHead } from '@/components/PageHead'
import { SignupBlock } from '@/components/SignupBlock'
import { signupErrorMessage } from '@/lib/newsletter'
import { ContentUnavailableError, type SentIssue, listSentIssues } from '@/lib/content'
import { sameForEveryone } from '@/lib/pageCache'
import Link from 'next/link'
import { formatDay } from '@runsense/domain/newsletter'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { error: string | null; email: string | null; issues: SentIssue[] }

/** ?error=<code>&email=… is how the plain form (no JavaScript) comes back with a problem to fix. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ query, res }) => {
  const first = (v: string | string[] | undefined) => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '')
  // Only our own codes become our own sentences; any other text in the URL is ignored.
  const error = signupErrorMessage(first(query.error))
  const email = first(query.email).slice(0, 254) || null
  // The same page for everyone unless it carries someone's address back to them.
  if (error || email) res.setHeader('Cache-Control', 'private, no-store')
  else sameForEveryone(res)
  // The signup form must answer even while the CMS is away: past issues are a bonus, left out then.
  const issues = await listSentIssues().catch((err) => {
    if (!(err instanceof ContentUnavailableError)) throw err
    return []
  })
  return { props: { error, email, issues } }
}

export default function NewsletterPage({ error, email, issues }: Props) {
  return (
    <>
      <PageHead title="The weekly guide" description="One running guide a week from Runsense. Calm, useful, no spam." path="/newsletter" />
      <h1 className="page-title">The weekly guide</h1>
      <p>
        Once a week we send one running guide by email. Every guide is reviewed before it is published, and says who reviewed it and when. You confirm your address once, and every
        email has a one-click unsubscribe link.
      </p>
      <SignupBlock source="newsletter" error={error ?? undefined} value={email ?? undefined} />
      {issues.length ? (
        <section aria-labelledby="past-issues">
          <h2 id="past-issues">Past issues</h2>
          <p className="meta">{EXEMPT_NOTICES.pastIssues}</p>
          <ul>
            {issues.map((i) => (
              <li key={i.slug}>
                <Link href={`/newsletter/issues/${i.slug}`}>{i.subject}</Link>
                {i.sentAt ? (
                  <>
                    {' · '}
                    <time dateTime={i.sentAt.slice(0, 10)}>{formatDay(i.sentAt)}</time>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  )
}
