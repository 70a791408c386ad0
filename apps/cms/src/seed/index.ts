import { createHash } from 'node:crypto'
import type { Payload } from 'payload'
import { hashOf, sourceSnapshot } from '../collections/Articles/content'
import { block, citation, heading, paragraph, root, textRuns } from './lexical'
import { seedDemoDesk } from './desk'
import { editorialPolicy, guide, reviewers, sources, topics } from './guide'

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

async function findOne(payload: Payload, collection: 'reviewers' | 'sources' | 'articles' | 'users' | 'topics', where: Record<string, unknown>) {
  const { docs } = await payload.find({ collection, where: where as never, limit: 1, depth: 0, draft: true, overrideAccess: true })
  return docs[0] as { id: number } | undefined
}

/**
 * Seeds the demo content. Idempotent: anything that already exists (matched by slug, title or
 * email) is left as it is, so an editor's changes survive a restart.
 * Runs with overrideAccess (the Local API default): it is server code writing the initial data.
 * `desk` (`npm start`: SEED_DEMO_DESK=true) adds the demo desk's guides (./desk.ts).
 */
export async function seed(payload: Payload, { password = process.env.SEED_PASSWORD || DEFAULT_SEED_PASSWORD, desk = process.env.SEED_DEMO_DESK === 'true' } = {}) {
  const reviewerIds: Record<string, number> = {}
  for (const [key, data] of Object.entries(reviewers)) {
    const existing = await findOne(payload, 'reviewers', { slug: { equals: data.slug } })
    // Demo content: the profiles start verified (as of the first start) so the demo workflow can
    // sign off; a real publication's admin verifies each reviewer's credentials themselves.
    const verification = { verifiedAt: new Date().toISOString() }
    reviewerIds[key] = existing?.id ?? (await payload.create({ collection: 'reviewers', data: { ...data, verification } })).id
    if (existing && !(existing as { verification?: { verifiedAt?: string | null } }).verification?.verifiedAt)
      await payload.update({ collection: 'reviewers', id: existing.id, data: { verification } })
  }

  const sourceIds: Record<string, number> = {}
  for (const [key, data] of Object.entries(sources)) {
    const existing = await findOne(payload, 'sources', { title: { equals: data.title } })
    sourceIds[key] = existing?.id ?? (await payload.create({ collection: 'sources', data: { ...data, authors: [...data.authors] } })).id
  }

  const topicIds: Record<string, number> = {}
  for (const [key, data] of Object.entries(topics)) {
    const existing = await findOne(payload, 'topics', { slug: { equals: data.slug } })
    topicIds[key] = existing?.id ?? (await payload.create({ collection: 'topics', data: { ...data } })).id
  }

  const policy = await payload.findGlobal({ slug: 'editorial-policy' })
  if (!policy?.body) {
    await payload.updateGlobal({
      slug: 'editorial-policy',
      data: {
        title: editorialPolicy.title,
        summary: editorialPolicy.summary,
        body: root(editorialPolicy.paragraphs.map((text) => paragraph(textRuns(text)))) as never,
      },
    })
  }

  const userIds: Record<string, number> = {}
  for (const account of seedAccounts) {
    const existing = await findOne(payload, 'users', { email: { equals: account.email } })
    if (existing) {
      userIds[account.email] = existing.id
      continue
    }
    userIds[account.email] = (
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
    ).id
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
    const content = {
      title: guide.title,
      slug: guide.slug,
      byline: guide.byline,
      reviewIntervalMonths: 12,
      summary: guide.summary,
      body: body as never,
      disclaimer: guide.disclaimer,
      safety: root(guide.safety.map((text) => paragraph(textRuns(text)))) as never,
    }
    // The guide was reviewed on June 9, 2026, before this CMS existed: it is imported as published,
    // with a sign-off record by its reviewer that covers exactly the imported text.
    const sources = (await payload.find({ collection: 'sources', where: { id: { in: Object.values(sourceIds) } }, depth: 0 })).docs
    const hash = hashOf(content, sources)
    const reviewedAt = new Date(`${guide.lastReviewed}T12:00:00.000Z`)
    const nextDue = new Date(reviewedAt)
    nextDue.setUTCMonth(nextDue.getUTCMonth() + 12)
    const reviewerUser = userIds['reviewer@runsense.local']
    article = await payload.create({
      collection: 'articles',
      draft: false,
      context: { workflow: 'import' },
      data: {
        ...content,
        topics: [topicIds.injury],
        citedSources: sourceSnapshot(content, sources),
        stage: 'published',
        assignedReviewer: reviewerIds.raphael,
        signOff: { user: reviewerUser, reviewer: reviewerIds.raphael, at: reviewedAt.toISOString(), hash, version: 'import', sources: sourceSnapshot(content, sources) },
        reviewer: reviewerIds.raphael,
        reviewHistory: [
          {
            kind: 'first_published',
            at: reviewedAt.toISOString(),
            publishedAt: reviewedAt.toISOString(),
            reviewer: { id: reviewerIds.raphael, name: reviewers.raphael.name, role: reviewers.raphael.role, slug: reviewers.raphael.slug },
            note: null,
            hash,
          },
        ],
        lastReviewedAt: reviewedAt.toISOString(),
        nextReviewDue: nextDue.toISOString(),
        _status: 'published',
      },
    })
    await payload.create({
      collection: 'workflow-events',
      data: {
        article: article.id,
        articleTitle: guide.title,
        action: 'import',
        fromStage: 'draft',
        toStage: 'published',
        actorName: 'Seed import',
        note: `Imported as published. Reviewed by ${reviewers.raphael.name}, ${reviewers.raphael.role}, on June 9, 2026 (before this CMS).`,
        contentHash: hash,
        reviewer: reviewerIds.raphael,
      },
    })
  }
  if (desk) await seedDemoDesk(payload, { userIds, raphael: reviewerIds.raphael })
  return { reviewerIds, sourceIds, articleId: article!.id }
}
