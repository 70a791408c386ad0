import { Feed } from 'feed'
import { allGuides } from '@/lib/content'
import { SITE_DESCRIPTION, SITE_NAME, siteUrl } from '@/lib/site'

export const dynamic = 'force-dynamic'

/** /rss.xml: an RSS 2.0 feed of the published guides (built with the feed library). */
export async function GET() {
  const { guides } = await allGuides()
  const base = siteUrl()
  const feed = new Feed({
    title: SITE_NAME,
    description: SITE_DESCRIPTION,
    id: `${base}/`,
    link: `${base}/`,
    language: 'en',
    copyright: `© ${new Date().getUTCFullYear()} Runsense`,
    updated: guides[0] ? new Date(guides[0].lastReviewedAt ?? guides[0].updatedAt) : undefined,
    feedLinks: { rss: `${base}/rss.xml` },
  })
  for (const g of guides) {
    feed.addItem({
      title: g.title,
      id: `${base}/guides/${g.slug}`,
      link: `${base}/guides/${g.slug}`,
      description: g.reviewer && g.lastReviewedAt ? `${g.summary} (Reviewed by ${g.reviewer.name}, ${g.reviewer.role}.)` : g.summary,
      date: new Date(g.lastReviewedAt ?? g.updatedAt),
    })
  }
  return new Response(feed.rss2(), { headers: { 'content-type': 'application/rss+xml; charset=utf-8' } })
}
