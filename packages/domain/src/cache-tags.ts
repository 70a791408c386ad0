/**
 * Cache tags: the one list of names used both by the site's reads (to tag) and by the CMS (to
 * say what changed), and the one function that maps a change to the tags it expires. Every CMS
 * hook that changes something a page shows calls tagsForChange; changing a name or a rule here
 * changes both sides.
 */
export const tags = {
  /** Every list of guides: home, /guides, topics, reviewers' lists, sitemap, feed. */
  guides: 'guides',
  guide: (slug: string) => `guide:${slug}`,
  /** Every read that shows a reviewer: reviewer pages, and each guide (its review line and JSON-LD). */
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

type Slugs = (string | null | undefined)[]

/** Something that changed in the CMS, in the terms of what pages show. */
export type Change =
  /** A guide went live, changed live, or went offline (old and new addresses). */
  | { kind: 'guide'; slugs: Slugs }
  /** A reviewer profile: shown on their page, in every guide they reviewed, and in lists. */
  | { kind: 'reviewer'; slugs: Slugs }
  /** A topic: its page and every list filtered by it. */
  | { kind: 'topic'; slugs: Slugs }
  /** A source: guides show their signed snapshot, but a retraction notice is read live. */
  | { kind: 'source' }
  | { kind: 'editorialPolicy' }
  /** A newsletter issue was sent: its web version and the list of past issues on /newsletter. */
  | { kind: 'newsletterIssue'; slugs: Slugs }

/** The cache tags a change expires: every page that shows what changed. */
export function tagsForChange(change: Change): string[] {
  const out = new Set<string>()
  const each = (slugs: Slugs, tag: (s: string) => string) => {
    for (const s of slugs) if (s) out.add(tag(s))
  }
  switch (change.kind) {
    case 'guide':
      out.add(tags.guides)
      each(change.slugs, tags.guide)
      break
    case 'reviewer':
      out.add(tags.reviewers).add(tags.guides)
      each(change.slugs, tags.reviewer)
      break
    case 'topic':
      out.add(tags.topics).add(tags.guides)
      each(change.slugs, tags.topic)
      break
    case 'source':
      out.add(tags.sources)
      break
    case 'editorialPolicy':
      out.add(tags.editorialPolicy)
      break
    case 'newsletterIssue':
      out.add(tags.newsletterIssues)
      each(change.slugs, tags.newsletterIssue)
      break
  }
  return [...out]
}

/** What to revalidate when a guide changes: its old and new addresses and every list. */
export const tagsForGuideChange = (slugs: Slugs): string[] => tagsForChange({ kind: 'guide', slugs })

/**
 * The public addresses that show what a set of tags names directly: what the caching front
 * (deploy/nginx/cache.conf) is asked to fetch again after a revalidation, so readers there see a
 * change at once instead of after its micro-cache's second. Pages that show a change only through
 * a list they belong to (a topic page listing a changed guide, a guide showing a changed reviewer)
 * are not named by any slug here: the front refreshes them by itself within its one second.
 */
export function frontPathsForTags(changed: string[]): string[] {
  const out = new Set<string>()
  // Keyed by each tag's prefix, read off the tag names above (tags.guide('') is "guide:").
  const bySlug: Record<string, (slug: string) => string[]> = {
    [tags.guide('')]: (s) => [`/guides/${s}`, `/guides/${s}/review.json`],
    [tags.reviewer('')]: (s) => [`/reviewers/${s}`, `/reviewers/${s}/keys.json`],
    [tags.topic('')]: (s) => [`/topics/${s}`],
  }
  for (const tag of changed) {
    if (tag === tags.guides) for (const p of ['/', '/guides', '/rss.xml', '/sitemap.xml']) out.add(p)
    else if (tag === tags.editorialPolicy) out.add('/about/editorial-policy')
    else
      for (const [prefix, paths] of Object.entries(bySlug)) {
        if (tag.startsWith(prefix) && tag.length > prefix.length) for (const p of paths(encodeURIComponent(tag.slice(prefix.length)))) out.add(p)
      }
  }
  return [...out]
}

/** The most tags one call to the site's /api/revalidate carries (it refuses more); the CMS sends more in several calls. */
export const MAX_TAGS_PER_REVALIDATION = 100
