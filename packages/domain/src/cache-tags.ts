/**
 * Cache tags: the one list of names used both by the site's fetches (to tag) and by the CMS's
 * revalidation hook (to say what changed). Changing a name here changes both sides.
 */
export const tags = {
  /** Every list of guides: home, /guides, topics, reviewers' lists, sitemap, feed. */
  guides: 'guides',
  guide: (slug: string) => `guide:${slug}`,
  reviewers: 'reviewers',
  reviewer: (slug: string) => `reviewer:${slug}`,
  sources: 'sources',
  topics: 'topics',
  topic: (slug: string) => `topic:${slug}`,
  editorialPolicy: 'editorial-policy',
  /** The list of sent newsletter issues on /newsletter, and each issue's web version. */
  newsletterIssues: 'newsletter-issues',
  newsletterIssue: (slug: string) => `newsletter-issue:${slug}`,
} as const

/** What to revalidate when a guide changes: its old and new addresses and every list. */
export function tagsForGuideChange(slugs: (string | null | undefined)[], reviewerSlugs: (string | null | undefined)[] = []): string[] {
  const out = new Set<string>([tags.guides])
  for (const s of slugs) if (s) out.add(tags.guide(s))
  for (const s of reviewerSlugs) if (s) out.add(tags.reviewer(s))
  return [...out]
}
