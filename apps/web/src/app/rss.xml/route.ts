import { allGuides } from '@/lib/content'
import { rss2 } from '@/lib/rss'
import { SITE_DESCRIPTION, SITE_NAME, siteUrl } from '@/lib/site'

export const dynamic = 'force-dynamic'

/** /rss.xml: an RSS 2.0 feed of the published guides (every text escaped, see lib/rss.ts). */
export async function GET() {
  const { guides } = await allGuides()
  const base = siteUrl()
  const xml = rss2(
    {
      title: SITE_NAME,
      description: SITE_DESCRIPTION,
      link: `${base}/`,
      language: 'en',
      copyright: `© ${new Date().getUTCFullYear()} Runsense`,
      lastBuildDate: guides[0] ? new Date(guides[0].lastReviewedAt ?? guides[0].updatedAt) : undefined,
      selfLink: `${base}/rss.xml`,
    },
    guides.map((g) => ({
      title: g.title,
      guid: `${base}/guides/${g.slug}`,
      link: `${base}/guides/${g.slug}`,
      description: g.reviewer && g.lastReviewedAt ? `${g.summary} (Reviewed by ${g.reviewer.name}, ${g.reviewer.role}.)` : g.summary,
      pubDate: new Date(g.lastReviewedAt ?? g.updatedAt),
    })),
  )
  return new Response(xml, { headers: { 'content-type': 'application/rss+xml; charset=utf-8' } })
}
