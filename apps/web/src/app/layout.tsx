import type { Metadata, Viewport } from 'next'
import Link from 'next/link'
import { SITE_DESCRIPTION, siteUrl } from '@/lib/site'
import './globals.css'

export const metadata: Metadata = {
  metadataBase: new URL(siteUrl()),
  title: { default: 'Runsense — medically reviewed running guides', template: '%s · Runsense' },
  description: SITE_DESCRIPTION,
  alternates: { canonical: '/', types: { 'application/rss+xml': '/rss.xml' } },
  openGraph: { siteName: 'Runsense', type: 'website' },
  twitter: { card: 'summary' },
}

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fbfaf7' },
    { media: '(prefers-color-scheme: dark)', color: '#16181b' },
  ],
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
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
            Runsense guides are general education, not medical advice. <Link href="/about/editorial-policy">How we review guides</Link> ·{' '}
            <a href="/rss.xml">RSS</a>
          </p>
        </footer>
      </body>
    </html>
  )
}
