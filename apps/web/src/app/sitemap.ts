import type { MetadataRoute } from 'next'
import { allGuides, listReviewers, listSentIssues, listTopics } from '@/lib/content'
import { siteUrl } from '@/lib/site'

export const dynamic = 'force-dynamic'

/** /sitemap.xml: every published guide, reviewer and topic, and each sent newsletter issue's web version, with lastmod. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const [{ guides }, reviewers, topics, issues] = await Promise.all([allGuides(), listReviewers(), listTopics(), listSentIssues(1000)])
  const base = siteUrl()
  const newest = guides.reduce<string | undefined>((a, g) => (!a || g.updatedAt > a ? g.updatedAt : a), undefined)
  return [
    { url: `${base}/`, lastModified: newest },
    { url: `${base}/guides`, lastModified: newest },
    { url: `${base}/newsletter` },
    { url: `${base}/about/editorial-policy` },
    ...guides.map((g) => ({ url: `${base}/guides/${g.slug}`, lastModified: g.updatedAt })),
    ...reviewers.filter((r) => guides.some((g) => g.reviewer?.id === r.id)).map((r) => ({ url: `${base}/reviewers/${r.slug}`, lastModified: r.updatedAt })),
    ...topics.map((t) => ({ url: `${base}/topics/${t.slug}`, lastModified: t.updatedAt })),
    ...issues.map((i) => ({ url: `${base}/newsletter/issues/${i.slug}`, lastModified: i.sentAt ?? undefined })),
  ]
}
