import Link from 'next/link'

/** The header and footer every page has (see pages/_app.tsx). */
export function SiteChrome({ children }: { children: React.ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="wordmark">
          Runsense
        </Link>
        <nav aria-label="Site">
          <Link href="/guides">Guides</Link>
          <Link href="/newsletter">Newsletter</Link>
          <Link href="/about/editorial-policy">Editorial policy</Link>
        </nav>
      </header>
      <main id="main">{children}</main>
      <footer className="site-footer">
        <p>
          Runsense guides are general education, not medical advice. <Link href="/about/editorial-policy">How we review guides</Link> · <a href="/rss.xml">RSS</a>
        </p>
      </footer>
    </>
  )
}
