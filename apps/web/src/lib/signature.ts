/**
 * Whether a guide's sign-off is signed by its reviewer's passkey, checked here on the server with
 * the reviewer's published key (the same check anyone can make: README, "Verifying a sign-off").
 */
import { SIGNATURE_LABELS, signatureStatus, type PublishedKey, type SignatureStatus } from '@runsense/domain/sign-off-signature'
import type { Article } from '@runsense/types'
import { getReviewerKeys } from './content'

export type SignatureInfo = { status: SignatureStatus; label: string }

const idOf = (v: unknown): number | null => (v && typeof v === 'object' ? Number((v as { id: unknown }).id) : v === null || v === undefined ? null : Number(v))

/** The status of a sign-off (the current one, or one of the history) of this guide. */
export async function signatureOf(
  guideId: number,
  signOff: { reviewer?: unknown; at?: string | null; hash?: string | null; signature?: unknown } | null | undefined,
  reviewer?: { id: number; slug?: string | null } | null,
): Promise<SignatureInfo | null> {
  if (!signOff?.at) return null
  const signerId = reviewer?.id ?? idOf(signOff.reviewer)
  if (!signerId) return null
  const slug = reviewer?.slug ?? ((signOff.reviewer as { slug?: string } | null)?.slug || null)
  const keys = signOff.signature ? ((await getReviewerKeys({ id: signerId, slug })) as unknown as PublishedKey[]) : []
  const status = signatureStatus(signOff, keys, { guideId, reviewerId: signerId })
  return { status, label: SIGNATURE_LABELS[status] }
}

export const guideSignature = (guide: Pick<Article, 'id' | 'signOff'> & { reviewer: { id: number; slug?: string | null } | null }) =>
  signatureOf(guide.id, guide.signOff, guide.reviewer)
