import type { Metadata, Viewport } from 'next'
import { SiteChrome } from '@/components/SiteChrome'
import { SITE_DESCRIPTION, THEME_COLORS, siteUrl } from '@/lib/site'
import './globals.css'

export const metadata: Metadata = {
  metadataBase: new URL(siteUrl()),
  title: { default: 'Runsense — medically reviewed running guides', template: '%s · Runsense' },
  description: SITE_DESCRIPTION,
  alternates: { types: { 'application/rss+xml': '/rss.xml' } },
}

export const viewport: Viewport = {
  themeColor: THEME_COLORS,
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SiteChrome>{children}</SiteChrome>
      </body>
    </html>
  )
}
