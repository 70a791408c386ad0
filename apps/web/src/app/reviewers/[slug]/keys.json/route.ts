/**
 * GET /reviewers/<slug>/keys.json — the reviewer's passkeys' public keys, so anyone can check the
 * signatures in a guide's review.json: each as a JWK with its credential id, COSE algorithm
 * (-7 ES256, -8 EdDSA, -257 RS256) and when it was added or retired. Retired keys stay listed.
 * Cached under the reviewer's tags, so a new or retired key shows within the revalidation.
 */
import { getReviewer, getReviewerKeys } from '@/lib/content'
import { siteUrl } from '@/lib/site'

export async function GET(_req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const found = await getReviewer(slug)
  if (!found) return Response.json({ error: 'No reviewer at this address.' }, { status: 404 })
  const { reviewer } = found
  const keys = await getReviewerKeys(reviewer)
  const body = {
    reviewer: { id: reviewer.id, name: reviewer.name, url: `${siteUrl()}/reviewers/${reviewer.slug}` },
    keys: keys.map((k) => ({ credentialId: k.credentialId, alg: k.alg, jwk: k.jwk, added: k.addedAt, retired: k.retiredAt })),
  }
  return new Response(JSON.stringify(body, null, 2), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=0, must-revalidate' },
  })
}
