import Head from 'next/head'
import { SITE_NAME, siteUrl } from '@/lib/site'

type PageMeta = {
  /** The whole <title>; " · Runsense" is added unless it already names the site. */
  title: string
  description: string
  /** The canonical path, e.g. /guides/some-guide (none for pages that are not to be indexed). */
  path?: string
  type?: 'website' | 'article' | 'profile'
  modifiedTime?: string
  noindex?: boolean
  /** A machine-readable record of the page (a guide's review.json). */
  reviewRecord?: string
}

const fullTitle = (title: string) => (title.includes(SITE_NAME) ? title : `${title} · ${SITE_NAME}`)

/**
 * Per-page metadata for the Pages Router pages: the same tags the App Router pages get from
 * their `metadata` exports (title, description, canonical, Open Graph, Twitter).
 */
export function PageHead({ title, description, path, type = 'website', modifiedTime, noindex, reviewRecord }: PageMeta) {
  const url = path === undefined ? undefined : `${siteUrl()}${path}`
  const t = fullTitle(title)
  return (
    <Head>
      <title>{t}</title>
      <meta name="description" content={description} />
      {noindex ? <meta name="robots" content="noindex" /> : null}
      {url ? <link rel="canonical" href={url} /> : null}
      {reviewRecord ? <link rel="alternate" type="application/json" title="Review record" href={reviewRecord} /> : null}
      <meta property="og:title" content={title} />
      <meta property="og:description" content={description} />
      {url ? <meta property="og:url" content={url} /> : null}
      <meta property="og:site_name" content={SITE_NAME} />
      <meta property="og:type" content={type} />
      {modifiedTime ? <meta property="article:modified_time" content={modifiedTime} /> : null}
      <meta name="twitter:card" content="summary" />
      <meta name="twitter:title" content={title} />
      <meta name="twitter:description" content={description} />
    </Head>
  )
}
