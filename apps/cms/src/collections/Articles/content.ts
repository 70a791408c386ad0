import type { PayloadRequest } from 'payload'
import type { Article, Source } from '@runsense/types'
import { citedSourceIds, numberCitations } from '@runsense/domain/citations'
import { contentHash } from '@runsense/domain/content-hash'
import { signOffMatches } from '@runsense/domain/workflow'
import { citationData, type SourceData } from '@runsense/domain/sources'
import { placeholderNotesOf, plainTextOf } from '@runsense/domain/lexical'

/** The fields of the working copy a sign-off covers (with the cited sources): what "discard my changes" brings back. */
export const SIGNED_CONTENT_FIELDS = ['title', 'slug', 'summary', 'byline', 'meta', 'body', 'disclaimer', 'safety', 'reviewIntervalMonths'] as const
type Content = Pick<Article, (typeof SIGNED_CONTENT_FIELDS)[number]>

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

/**
 * The hash a reviewer signs: the one pure function in @runsense/domain, fed from the guide. It
 * covers every reader-visible field (@runsense/domain/signed-content lists them and the few
 * deliberately left out). `sources` are the live Source records or a published snapshot.
 */
export const hashOf = (doc: Partial<Content>, sources: SourceData[]) =>
  contentHash({
    title: doc.title ?? '',
    slug: doc.slug ?? '',
    summary: doc.summary ?? '',
    byline: doc.byline ?? '',
    meta: doc.meta ?? null,
    reviewIntervalMonths: doc.reviewIntervalMonths ?? null,
    body: doc.body,
    disclaimer: doc.disclaimer ?? '',
    safety: doc.safety,
    sources,
  })

/** The cited sources as readers see them, kept with the published version (what was signed). */
export const sourceSnapshot = (doc: Partial<Content>, sources: Source[]) => {
  const byId = new Map(sources.map((s) => [String(s.id), s]))
  return citedSourceIds(doc.body)
    .map((id) => byId.get(id))
    .filter((s): s is Source => s !== undefined)
    .map((s) => ({ id: s.id, ...citationData(s as SourceData) }))
}

/** What the publish gate needs of the content itself, as sentences an editor can act on. */
export function contentProblems(doc: Partial<Content>, sources: Source[]): string[] {
  const problems: string[] = []
  if (!doc.title?.trim()) problems.push('A title.')
  if (!doc.summary?.trim()) problems.push('A summary.')
  if (!plainTextOf(doc.body).trim()) problems.push('A body.')
  if (!doc.disclaimer?.trim()) problems.push('The medical disclaimer.')
  if (!plainTextOf(doc.safety).trim()) problems.push('The Safety section.')
  const numbering = numberCitations(
    doc.body,
    sources.map((s) => s.id),
  )
  if (numbering.dangling > 0) problems.push(`Every citation must point to a source: ${numbering.dangling} point nowhere.`)
  for (const s of sources) {
    if ((s as { retracted?: boolean }).retracted) problems.push(`Source "${s.title}" has been retracted: remove or replace the citation.`)
  }
  const placeholders = placeholderNotesOf(doc.body)
  if (placeholders.length) problems.push(`Sections still marked "needs content": ${placeholders.length}.`)
  return problems
}

/**
 * Whether a guide's sign-off still covers it, computed from the document and the live sources it
 * cites (a source that changed voids it): the workflow's signOffMatches, for a guide read without
 * loading its whole workflow state (the desk, the newsletter).
 */
export const signOffHolds = (doc: Partial<Content> & Pick<Article, 'signOff'>, sources: SourceData[]) =>
  signOffMatches({ signOff: doc.signOff ?? null, currentHash: hashOf(doc, sources) })
