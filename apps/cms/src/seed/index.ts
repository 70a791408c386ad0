import { createHash } from 'node:crypto'
import type { Payload } from 'payload'
import { block, citation, heading, paragraph, root, textRuns } from './lexical'
import { guide, reviewers, sources } from './guide'

export const DEFAULT_SEED_PASSWORD = 'runsense-demo-2026'

export const seedAccounts = [
  { email: 'admin@runsense.local', name: 'Demo Admin', role: 'admin' },
  { email: 'editor@runsense.local', name: 'Demo Editor', role: 'editor' },
  { email: 'editor2@runsense.local', name: 'Demo Editor Two', role: 'editor' },
  { email: 'reviewer@runsense.local', name: 'Raphael Crawford-Marks', role: 'reviewer', reviewer: 'raphael' },
  { email: 'reviewer2@runsense.local', name: 'Demo Reviewer', role: 'reviewer', reviewer: 'demo' },
] as const

/** Stable 24-hex ids for Lexical block nodes, so seeding twice writes identical content. */
const blockId = (key: string) => createHash('sha1').update(key).digest('hex').slice(0, 24)

async function findOne(payload: Payload, collection: 'reviewers' | 'sources' | 'articles' | 'users', where: Record<string, unknown>) {
  const { docs } = await payload.find({ collection, where: where as never, limit: 1, depth: 0, draft: true, overrideAccess: true })
  return docs[0] as { id: number } | undefined
}

/**
 * Seeds the demo content. Idempotent: anything that already exists (matched by slug, title or
 * email) is left as it is, so an editor's changes survive a restart.
 * Runs with overrideAccess (the Local API default): it is server code writing the initial data.
 */
export async function seed(payload: Payload, { password = process.env.SEED_PASSWORD || DEFAULT_SEED_PASSWORD } = {}) {
  const reviewerIds: Record<string, number> = {}
  for (const [key, data] of Object.entries(reviewers)) {
    const existing = await findOne(payload, 'reviewers', { slug: { equals: data.slug } })
    reviewerIds[key] = existing?.id ?? (await payload.create({ collection: 'reviewers', data: { ...data } })).id
  }

  const sourceIds: Record<string, number> = {}
  for (const [key, data] of Object.entries(sources)) {
    const existing = await findOne(payload, 'sources', { title: { equals: data.title } })
    sourceIds[key] = existing?.id ?? (await payload.create({ collection: 'sources', data: { ...data, authors: [...data.authors] } })).id
  }

  for (const account of seedAccounts) {
    const existing = await findOne(payload, 'users', { email: { equals: account.email } })
    if (existing) continue
    await payload.create({
      collection: 'users',
      data: {
        email: account.email,
        name: account.name,
        role: account.role,
        password,
        reviewer: 'reviewer' in account ? reviewerIds[account.reviewer] : undefined,
      },
    })
  }

  let article = await findOne(payload, 'articles', { slug: { equals: guide.slug } })
  if (!article) {
    let n = 0
    const body = root(
      guide.body.map((part) => {
        if ('h2' in part) return heading('h2', part.h2)
        if ('needsContent' in part) return block({ id: blockId(`needs-${n++}`), blockType: 'needsContent', note: part.needsContent })
        return paragraph(
          part.p.flatMap((inline) => {
            if (typeof inline === 'string') return textRuns(inline)
            const node = citation(sourceIds[inline.cite])
            ;(node.fields as Record<string, unknown>).id = blockId(`cite-${n++}`)
            return [node]
          }),
        )
      }),
    )
    article = await payload.create({
      collection: 'articles',
      draft: false,
      data: {
        title: guide.title,
        slug: guide.slug,
        byline: guide.byline,
        summary: guide.summary,
        body: body as never,
        disclaimer: guide.disclaimer,
        safety: root(guide.safety.map((text) => paragraph(textRuns(text)))) as never,
        reviewer: reviewerIds.raphael,
        lastReviewedAt: new Date(`${guide.lastReviewed}T12:00:00.000Z`).toISOString(),
        _status: 'published',
      },
    })
  }
  return { reviewerIds, sourceIds, articleId: article!.id }
}
