/**
 * GET /guides/<slug>/review.json — the guide's public review record: who signed it off and when,
 * its review history, and the content hash the reviewer signed together with the exact canonical
 * content that was hashed, so that anyone can recompute sha256(canonical) and compare it with the
 * signed value (the README documents the canonical form). Read through the same cached CMS reads
 * as the guide page, so it is expired with the page.
 */
import { CONTENT_HASH_VERSION, canonicalJson, contentHashDocument } from '@runsense/domain/content-hash'
import { HISTORY_LABELS } from '@runsense/domain/workflow'
import { historyOf } from '@/components/ReviewHistory'
import { getGuide } from '@/lib/content'
import { siteUrl } from '@/lib/site'

export async function GET(_req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const guide = await getGuide(slug)
  if (!guide) return Response.json({ error: 'No published guide at this address.' }, { status: 404 })
  const site = siteUrl()
  const profile = (s: string) => `${site}/reviewers/${s}`
  const canonical = canonicalJson(contentHashDocument({ ...guide, sources: Array.isArray(guide.citedSources) ? (guide.citedSources as never) : [] }))
  const signOff = guide.signOff
  const record = {
    slug: guide.slug,
    url: `${site}/guides/${guide.slug}`,
    signOff:
      guide.reviewer && signOff?.at
        ? { reviewer: { name: guide.reviewer.name, role: guide.reviewer.role, url: profile(guide.reviewer.slug ?? '') }, date: signOff.at }
        : null,
    history: historyOf(guide).map((e) => ({
      date: e.at,
      published: e.publishedAt,
      event: HISTORY_LABELS[e.kind] ?? e.kind,
      kind: e.kind,
      reviewer: e.reviewer ? { name: e.reviewer.name, role: e.reviewer.role, url: profile(e.reviewer.slug) } : null,
      changeNote: e.note,
      hash: { algorithm: 'sha256', value: e.hash },
    })),
    hash: { algorithm: 'sha256', version: CONTENT_HASH_VERSION, value: signOff?.hash ?? null },
    canonical,
  }
  return new Response(JSON.stringify(record, null, 2), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=0, must-revalidate' },
  })
}
