import { describe, expect, it } from 'vitest'
import { tags, tagsForChange, tagsForGuideChange } from './cache-tags'

describe('tagsForChange', () => {
  it('expires every page that shows what changed', () => {
    // A reviewer shows on their page, in lists, and on every guide (which reads are tagged `reviewers`).
    expect(tagsForChange({ kind: 'reviewer', slugs: ['new-slug', 'old-slug'] }).sort()).toEqual(
      [tags.guides, tags.reviewers, tags.reviewer('new-slug'), tags.reviewer('old-slug')].sort(),
    )
    expect(tagsForChange({ kind: 'topic', slugs: ['injury', null] }).sort()).toEqual([tags.guides, tags.topics, tags.topic('injury')].sort())
    expect(tagsForGuideChange(['a', 'b', undefined]).sort()).toEqual([tags.guides, tags.guide('a'), tags.guide('b')].sort())
    expect(tagsForChange({ kind: 'source' })).toEqual([tags.sources])
    expect(tagsForChange({ kind: 'editorialPolicy' })).toEqual([tags.editorialPolicy])
  })
})
