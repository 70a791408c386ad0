import type { PayloadRequest } from 'payload'
import type { Article, Source } from '@runsense/types'
import { citedSourceIds, numberCitations } from '@runsense/domain/citations'
import { contentHash } from '@runsense/domain/content-hash'
import { placeholderNotesOf, plainTextOf } from '@runsense/domain/lexical'

type Content = Pick<Article, 'title' | 'summary' | 'body' | 'disclaimer' | 'safety'>

/** The sources a guide cites, read in the request's transaction. */
export async function citedSources(req: PayloadRequest, docs: Partial<Content>[]): Promise<Source[]> {
  const ids = [...new Set(docs.flatMap((d) => citedSourceIds(d.body)))].map(Number).filter(Number.isFinite)
  if (!ids.length) return []
  const { docs: sources } = await req.payload.find({
    collection: 'sources',
    where: { id: { in: ids } },
    limit: ids.length,
    depth: 0,
    pagination: false,
    overrideAccess: true,
    req,
  })
  return sources
}

/** The hash a reviewer signs: the one pure function in @runsense/domain, fed from the guide. */
export const hashOf = (doc: Partial<Content>, sources: Source[]) =>
  contentHash({
    title: doc.title ?? '',
    summary: doc.summary ?? '',
    body: doc.body,
    disclaimer: doc.disclaimer ?? '',
    safety: doc.safety,
    sources,
  })

/** What the publish gate needs of the content itself, as sentences an editor can act on. */
export function contentProblems(doc: Partial<Content>, sources: Source[]): string[] {
  const problems: string[] = []
  if (!doc.title?.trim()) problems.push('A title.')
  if (!doc.summary?.trim()) problems.push('A summary.')
  if (!plainTextOf(doc.body).trim()) problems.push('A body.')
  if (!doc.disclaimer?.trim()) problems.push('The medical disclaimer.')
  if (!plainTextOf(doc.safety).trim()) problems.push('The Safety section.')
  const numbering = numberCitations(doc.body, sources.map((s) => s.id))
  if (numbering.dangling > 0) problems.push(`Every citation must point to a source: ${numbering.dangling} point nowhere.`)
  for (const s of sources) {
    if ((s as { retracted?: boolean }).retracted) problems.push(`Source "${s.title}" has been retracted: remove or replace the citation.`)
  }
  const placeholders = placeholderNotesOf(doc.body)
  if (placeholders.length) problems.push(`Sections still marked "needs content": ${placeholders.length}.`)
  return problems
}
