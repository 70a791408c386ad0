import { describe, expect, it } from 'vitest'
import { frontPathsForTags, tags, tagsForChange, tagsForGuideChange } from './cache-tags'

describe('tagsForChange', () => {
  it('expires every page that shows what changed', () => {
    // A reviewer shows on their page, in lists, and on every guide (which reads are tagged `reviewers`).
    expect(tagsForChange({ kind: 'reviewer', slugs: ['new-slug', 'old-slug'] }).sort()).toEqual(
      [tags.guides, tags.reviewers, tags.reviewer('new-slug'), tags.reviewer('old-slug')].sort(),
    )
    expect(tagsForChange({ kind: 'topic', slugs: ['injury', null] }).sort()).toEqual([tags.guides, tags.topics, tags.topic('injury')].sort())
    expect(tagsForChange({ kind: 'newsletterIssue', slugs: ['week-48'] }).sort()).toEqual([tags.newsletterIssues, tags.newsletterIssue('week-48')].sort())
    expect(tagsForGuideChange(['a', 'b', undefined]).sort()).toEqual([tags.guides, tags.guide('a'), tags.guide('b')].sort())
    expect(tagsForChange({ kind: 'source' })).toEqual([tags.sources])
    expect(tagsForChange({ kind: 'editorialPolicy' })).toEqual([tags.editorialPolicy])
  })
})

describe('frontPathsForTags', () => {
  it('names the pages a published guide is shown on directly', () => {
    expect(frontPathsForTags(tagsForGuideChange(['new-slug', 'old-slug'])).sort()).toEqual(
      ['/', '/guides', '/rss.xml', '/sitemap.xml', '/guides/new-slug', '/guides/new-slug/review.json', '/guides/old-slug', '/guides/old-slug/review.json'].sort(),
    )
  })
  it("names a reviewer's and a topic's own pages, and the editorial policy", () => {
    expect(frontPathsForTags([tags.reviewer('dr-a')])).toEqual(['/reviewers/dr-a', '/reviewers/dr-a/keys.json'])
    expect(frontPathsForTags([tags.topic('injury')])).toEqual(['/topics/injury'])
    expect(frontPathsForTags([tags.editorialPolicy])).toEqual(['/about/editorial-policy'])
  })
  it('escapes slugs, and names nothing for tags no address shows by name', () => {
    expect(frontPathsForTags([tags.guide('a b/c')])).toEqual(['/guides/a%20b%2Fc', '/guides/a%20b%2Fc/review.json'])
    expect(frontPathsForTags([tags.sources, tags.reviewers, tags.topics, tags.newsletterIssues, 'guide:'])).toEqual([])
  })
})
