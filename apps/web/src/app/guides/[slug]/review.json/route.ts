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
import { signatureOf } from '@/lib/signature'
import { siteUrl } from '@/lib/site'

export async function GET(_req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const guide = await getGuide(slug)
  if (!guide) return Response.json({ error: 'No published guide at this address.' }, { status: 404 })
  const site = siteUrl()
  const profile = (s: string) => `${site}/reviewers/${s}`
  const canonical = canonicalJson(contentHashDocument({ ...guide, sources: Array.isArray(guide.citedSources) ? (guide.citedSources as never) : [] }))
  const signOff = guide.signOff
  const keysOf = (s: string) => `${profile(s)}/keys.json`
  // Each sign-off's passkey signature as stored (WebAuthn assertion, base64url) with the canonical
  // string its challenge was derived from, and what the site's own check of it says.
  const signatureRecord = async (sig: unknown, check: Awaited<ReturnType<typeof signatureOf>>, reviewerSlug: string | null) =>
    sig && typeof sig === 'object'
      ? {
          ...(sig as Record<string, unknown>),
          canonical: (sig as { challenge?: string }).challenge,
          keys: reviewerSlug ? keysOf(reviewerSlug) : null,
          status: check?.label ?? null,
        }
      : { status: check?.label ?? null }
  const current = guide.reviewer && signOff?.at ? await signatureOf(guide.id, signOff, guide.reviewer) : null
  const history = historyOf(guide)
  const record = {
    slug: guide.slug,
    id: guide.id,
    url: `${site}/guides/${guide.slug}`,
    signOff:
      guide.reviewer && signOff?.at
        ? {
            reviewer: { id: guide.reviewer.id, name: guide.reviewer.name, role: guide.reviewer.role, url: profile(guide.reviewer.slug ?? '') },
            date: signOff.at,
            hash: signOff.hash ?? null,
            signature: await signatureRecord(signOff.signature, current, guide.reviewer.slug ?? null),
          }
        : null,
    history: await Promise.all(
      history.map(async (e) => ({
        date: e.at,
        published: e.publishedAt,
        event: HISTORY_LABELS[e.kind] ?? e.kind,
        kind: e.kind,
        reviewer: e.reviewer ? { id: e.reviewer.id, name: e.reviewer.name, role: e.reviewer.role, url: profile(e.reviewer.slug) } : null,
        changeNote: e.note,
        hash: { algorithm: 'sha256', value: e.hash },
        signature: await signatureRecord(
          e.signature,
          e.reviewer
            ? await signatureOf(guide.id, { at: e.at, hash: e.hash, signature: e.signature, reviewer: e.reviewer.id }, { id: e.reviewer.id, slug: e.reviewer.slug })
            : null,
          e.reviewer?.slug ?? null,
        ),
      })),
    ),
    hash: { algorithm: 'sha256', version: CONTENT_HASH_VERSION, value: signOff?.hash ?? null },
    canonical,
  }
  return new Response(JSON.stringify(record, null, 2), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=0, must-revalidate' },
  })
}
