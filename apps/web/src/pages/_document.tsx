import { Head, Html, Main, NextScript } from 'next/document'
import { THEME_COLORS } from '@/lib/site'

/** The HTML shell of every page (all HTML pages are Pages Router pages; app/ has route handlers only). */
export default function Document() {
  return (
    <Html lang="en">
      <Head>
        {THEME_COLORS.map((c) => (
          <meta key={c.media} name="theme-color" media={c.media} content={c.color} />
        ))}
        <link rel="icon" href="/icon.svg" type="image/svg+xml" sizes="any" />
        <link rel="alternate" type="application/rss+xml" href="/rss.xml" />
      </Head>
      <body>
        <Main />
        <NextScript />
      </body>
    </Html>
  )
}
