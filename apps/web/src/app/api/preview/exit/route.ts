import { draftMode } from 'next/headers'
import { isValidSlug } from '@runsense/domain/slug'

export async function GET(request: Request) {
  ;(await draftMode()).disable()
  const slug = new URL(request.url).searchParams.get('slug')
  return new Response(null, { status: 307, headers: { location: isValidSlug(slug) ? `/guides/${slug}` : '/' } })
}
