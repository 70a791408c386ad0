import type { Metadata, Viewport } from 'next'
import Link from 'next/link'
import './globals.css'

export const metadata: Metadata = {
  metadataBase: new URL(process.env.SITE_URL || 'http://localhost:3000'),
  title: { default: 'Runsense — medically reviewed running guides', template: '%s · Runsense' },
  description: 'Plain-English running guides, each reviewed before it is published.',
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
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>Runsense guides are general education, not medical advice.</p>
        </footer>
      </body>
    </html>
  )
}
