/**
 * GraphQL cannot be used to make the CMS do unbounded work: the editorial-notes ↔ article join
 * nested deep, or with large limits, is refused before anything runs, quickly, for any account
 * (a reviewer's included); ordinary queries still answer.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createGuide, graphql, loginAs, rest } from '../helpers/api'

/** `{ Articles { docs { editorialNotes { docs { article { editorialNotes { … } } } } } } }`, `levels` times. */
function nested(levels: number, limit?: number) {
  const lim = limit === undefined ? '' : `(limit: ${limit})`
  let inner = 'id body'
  for (let i = 0; i < levels; i++) inner = `id editorialNotes${lim} { docs { id article { ${inner} } } }`
  return `{ Articles${lim} { docs { ${inner} } } }`
}

const timed = async <T>(fn: () => Promise<T>) => {
  const started = performance.now()
  const result = await fn()
  return { result, ms: performance.now() - started }
}

describe('GraphQL depth and cost limits', () => {
  beforeAll(async () => {
    // Logged in before any timing: only the query is timed.
    await Promise.all([loginAs('reviewer'), loginAs('editor')])
    // A few guides with notes, so the join has something to multiply.
    for (let i = 0; i < 3; i++) {
      const guide = await createGuide('editor')
      for (let j = 0; j < 3; j++) await rest('POST', '/api/editorial-notes', { as: 'editor', body: { article: guide.id, body: `Note ${i}.${j}` } })
    }
  })

  it.each([3, 11, 45])('the join nested %i levels deep is refused quickly, for a reviewer', async (levels) => {
    const { result, ms } = await timed(() => graphql(nested(levels), { as: 'reviewer' }))
    expect(result.body.data ?? null).toBeNull()
    expect(result.body.errors?.[0]?.message).toMatch(/depth limit|too much/)
    expect(ms).toBeLessThan(1000)
  })

  it('a shallow query with huge limits is refused by its cost', async () => {
    const q = '{ Articles(limit: 1000) { docs { id editorialNotes(limit: 1000) { docs { id body } } } } }'
    const { result, ms } = await timed(() => graphql(q, { as: 'reviewer' }))
    expect(result.body.data ?? null).toBeNull()
    expect(result.body.errors?.[0]?.message).toMatch(/too much/)
    expect(ms).toBeLessThan(1000)
  })

  it('limits passed as variables count too; "no limit" (0) counts as unbounded', async () => {
    const q = 'query ($n: Int) { Articles(limit: $n) { docs { id editorialNotes(limit: $n) { docs { id } } } } }'
    const big = await graphql(q, { as: 'editor', variables: { n: 500 } })
    expect(big.body.errors?.[0]?.message).toMatch(/too much/)
    const unbounded = await graphql('{ Articles(limit: 0) { docs { id editorialNotes(limit: 0) { docs { id } } } } }', { as: 'editor' })
    expect(unbounded.body.errors?.[0]?.message).toMatch(/too much/)
  })

  it('many aliases of one list add up', async () => {
    const q = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: Articles(limit: 100) { docs { id title slug } }`).join(' ')} }`
    const res = await graphql(q, { as: 'editor' })
    expect(res.body.errors?.[0]?.message).toMatch(/too much/)
  })

  it('ordinary queries still answer, one level of the join included', async () => {
    const list = await graphql('{ Articles(limit: 100, draft: true) { docs { id slug reviewer { name } topics { name } } } }', { as: 'reviewer' })
    expect(list.body.errors).toBeUndefined()
    expect(list.body.data.Articles.docs.length).toBeGreaterThan(0)
    const joined = await graphql('{ Articles(limit: 20, draft: true) { docs { id editorialNotes { docs { id body } } } } }', { as: 'editor' })
    expect(joined.body.errors).toBeUndefined()
    const notes = joined.body.data.Articles.docs.flatMap((d: { editorialNotes?: { docs: unknown[] } }) => d.editorialNotes?.docs ?? [])
    expect(notes.length).toBeGreaterThan(0)
    const oneCycle = await graphql(nested(1), { as: 'editor' })
    expect(oneCycle.body.errors).toBeUndefined()
  })
})
