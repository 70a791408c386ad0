/**
 * Every page a reader sees is a Pages Router page with `unstable_runtimeJS: false`: plain HTML
 * and CSS with no framework JavaScript, which the App Router cannot do (its runtime alone is
 * ~130 KB gzipped). See README "The site's two routers".
 */
import type { AppProps } from 'next/app'
import Head from 'next/head'
import { SiteChrome } from '@/components/SiteChrome'
import '../styles/globals.css'

export default function App({ Component, pageProps }: AppProps) {
  return (
    <>
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <SiteChrome>
        <Component {...pageProps} />
      </SiteChrome>
    </>
  )
}
