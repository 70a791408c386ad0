import type { Metadata } from 'next'
import { draftMode } from 'next/headers'
import { notFound } from 'next/navigation'
import { GuideArticle } from '@/components/GuideArticle'
import { getGuide, relatedGuides } from '@/lib/content'
import { staffSession } from '@/lib/preview'

/**
 * Staff draft preview of /guides/[slug]. next.config.mjs rewrites a guide's address here when
 * the draft-mode cookie is present (set by /api/preview for staff only), so the editor stays on
 * the guide's own URL. Draft mode alone grants nothing: the visitor's real CMS session is
 * checked with the CMS on every request, and anyone else gets the same 404 as a missing guide.
 * Rendered per request and never cached.
 */
export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Draft preview', robots: { index: false, follow: false } }

export default async function PreviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const session = (await draftMode()).isEnabled ? await staffSession() : null
  if (!session) notFound()
  const guide = await getGuide((await params).slug, session.token)
  if (!guide) notFound()
  return <GuideArticle guide={guide} related={await relatedGuides(guide)} preview />
}
