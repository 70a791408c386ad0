/**
 * The weekly email, built with react-email: the CMS already runs React 19, so the template is a
 * typed component with no second template language, and react-email's components emit the
 * table-based, inline-styled HTML the big mail clients need (and its plain-text render gives the
 * text alternative). No images, no tracking pixels, no link rewriting: every link is the site's
 * own address.
 *
 * It is rendered once per issue when sending starts, with placeholders for the two things that
 * differ per recipient (the unsubscribe link and the confirmation date); personalise() fills
 * them in, so 50,000 recipients cost one render, not 50,000.
 */
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text, render } from '@react-email/components'
import { type IssueContent, formatDay, inboxPreview, paragraphsOf, reviewedLine } from '@runsense/domain/newsletter'
import { EXEMPT_NOTICES } from '@runsense/domain/signed-content'

export type { IssueContent }

export const UNSUBSCRIBE_URL = '%%RUNSENSE_UNSUBSCRIBE_URL%%'
export const CONFIRMED_ON = '%%RUNSENSE_CONFIRMED_ON%%'

// Colours with enough contrast on both light and dark backgrounds; clients that invert still read.
const text = { color: '#1f2933', fontSize: '16px', lineHeight: '1.6', margin: '0 0 16px' }
const small = { ...text, fontSize: '13px', color: '#52606d' }
const link = { color: '#0b5cad', textDecoration: 'underline' }

/**
 * A staff test copy of an issue not yet sent: its web version is not public yet (a reader would
 * get a 404), so the copy says so and links to the issue in the CMS instead.
 */
export type TestCopy = { cmsUrl: string }

export function IssueEmail({ c, testCopy = null }: { c: IssueContent; testCopy?: TestCopy | null }) {
  return (
    <Html lang="en">
      <Head>
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
      </Head>
      <Preview>{inboxPreview(c)}</Preview>
      <Body style={{ backgroundColor: '#ffffff', fontFamily: '-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' }}>
        <Container style={{ maxWidth: '560px', padding: '0 16px' }}>
          <Text style={{ ...small, margin: '0 0 24px' }}>Runsense · the weekly guide</Text>
          {paragraphsOf(c.intro).map((p, i) => (
            <Text key={i} style={text}>
              {p}
            </Text>
          ))}
          <Text style={small}>{EXEMPT_NOTICES.editorsNote}</Text>
          <Section style={{ margin: '8px 0 24px' }}>
            <Heading as="h1" style={{ fontSize: '24px', lineHeight: '1.3', color: '#1f2933', margin: '0 0 12px' }}>
              <Link href={c.featured.url} style={{ ...link, color: '#1f2933' }}>
                {c.featured.title}
              </Link>
            </Heading>
            <Text style={text}>{c.featured.summary}</Text>
            <Text style={small}>{reviewedLine(c.featured)}</Text>
            <Text style={text}>
              <Link href={c.featured.url} style={link}>
                Read the guide
              </Link>
            </Text>
          </Section>
          {c.also.length ? (
            <Section style={{ margin: '0 0 24px' }}>
              <Heading as="h2" style={{ fontSize: '18px', color: '#1f2933', margin: '0 0 8px' }}>
                Also worth reading
              </Heading>
              {c.also.map((a) => (
                <Text key={a.url} style={text}>
                  <Link href={a.url} style={link}>
                    {a.title}
                  </Link>
                  {a.summary ? ` — ${a.summary}` : ''}
                </Text>
              ))}
            </Section>
          ) : null}
          <Hr style={{ borderColor: '#d9e2ec', margin: '24px 0' }} />
          <Text style={small}>
            You get this email because you subscribed to the Runsense weekly guide and confirmed on {CONFIRMED_ON}. One running guide a week. Calm, useful, no spam.
          </Text>
          <Text style={small}>
            <Link href={UNSUBSCRIBE_URL} style={link}>
              Unsubscribe
            </Link>
            {' · '}
            {testCopy ? (
              <>
                Test copy: the web version opens to readers when the issue is sent.{' '}
                <Link href={testCopy.cmsUrl} style={link}>
                  Open the issue in the CMS
                </Link>
              </>
            ) : (
              <Link href={c.webUrl} style={link}>
                Read this email on the web
              </Link>
            )}
          </Text>
        </Container>
      </Body>
    </Html>
  )
}

/** The HTML and plain-text templates of an issue, with the per-recipient placeholders. */
export async function renderIssue(c: IssueContent, testCopy: TestCopy | null = null): Promise<{ html: string; text: string }> {
  const [html, plain] = await Promise.all([
    render(<IssueEmail c={c} testCopy={testCopy} />),
    // Headings keep their case in the text part (html-to-text shouts them by default).
    render(<IssueEmail c={c} testCopy={testCopy} />, {
      plainText: true,
      htmlToTextOptions: { selectors: ['h1', 'h2'].map((selector) => ({ selector, options: { uppercase: false } })) },
    }),
  ])
  return { html, text: plain }
}

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** One recipient's copy: the templates with their unsubscribe link and confirmation date. */
export function personalise(t: { html: string; text: string }, r: { unsubscribeUrl: string; confirmedAt: Date | string | null }) {
  const day = r.confirmedAt ? formatDay(r.confirmedAt) : 'an earlier date'
  return {
    html: t.html.replaceAll(UNSUBSCRIBE_URL, htmlEscape(r.unsubscribeUrl)).replaceAll(CONFIRMED_ON, htmlEscape(day)),
    text: t.text.replaceAll(UNSUBSCRIBE_URL, r.unsubscribeUrl).replaceAll(CONFIRMED_ON, day),
  }
}
