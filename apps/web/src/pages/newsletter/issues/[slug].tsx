import type { GetServerSideProps } from 'next'
import Link from 'next/link'
import { type IssueContent, formatDay, paragraphsOf, reviewedLine } from '@runsense/domain/newsletter'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'
import { PageHead } from '@/components/PageHead'
import { SignupBlock } from '@/components/SignupBlock'
import { type SentIssue, getSentIssue } from '@/lib/content'
import { sameForEveryone } from '@/lib/pageCache'

// Plain HTML, no framework JavaScript (see pages/_app.tsx).
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

type Props = { issue: SentIssue & { content: IssueContent } }

/**
 * The web version of an issue, from the moment it starts sending: what subscribers got, minus
 * their personal links. Rendered per request from the cached CMS read, which the CMS expires when
 * an issue starts sending, is sent, or is cancelled; an unsent or unknown issue is a 404 that
 * never outlives the start of its send.
 */
export const getServerSideProps: GetServerSideProps<Props, { slug: string }> = async ({ params, res }) => {
  const issue = await getSentIssue(params!.slug)
  if (!issue) return { notFound: true }
  sameForEveryone(res)
  return { props: { issue } }
}

/** Links in the snapshot are absolute (they were emailed); on the site they stay on the site. */
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, '') || '/'

export default function IssuePage({ issue }: Props) {
  const c = issue.content
  return (
    <>
      {/* Search results and link cards show no exempt notice, so the <head> carries only signed words: the
          featured guide's title and summary, never the editors' subject or preheader (they are on the page, marked). */}
      <PageHead title={`The weekly guide: ${c.featured.title}`} description={c.featured.summary} path={`/newsletter/issues/${issue.slug}`} />
      <p className="meta">
        The weekly guide
        {issue.sentAt ? (
          <>
            {' '}
            · <time dateTime={issue.sentAt.slice(0, 10)}>{formatDay(issue.sentAt)}</time>
          </>
        ) : null}
      </p>
      <h1 className="page-title">{issue.subject}</h1>
      {paragraphsOf(c.intro).map((p, i) => (
        <p key={i}>{p}</p>
      ))}
      <p className="meta">{EXEMPT_NOTICES.editorsNote}</p>
      <article>
        <h2>
          <Link href={local(c.featured.url)}>{c.featured.title}</Link>
        </h2>
        <p>{c.featured.summary}</p>
        <p className="meta">{reviewedLine(c.featured)}</p>
        <p>
          <Link href={local(c.featured.url)}>Read the guide</Link>
        </p>
      </article>
      {c.also.length ? (
        <section aria-labelledby="also">
          <h2 id="also">Also worth reading</h2>
          <ul>
            {c.also.map((a) => (
              <li key={a.url}>
                <Link href={local(a.url)}>{a.title}</Link>
                {a.summary ? ` — ${a.summary}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <SignupBlock source={`newsletter-issue:${issue.slug}`} />
    </>
  )
}
