import { cookies, draftMode } from 'next/headers'
import { isValidSlug } from '@runsense/domain/slug'
import { STAFF_COOKIE, staffSession } from '@/lib/preview'

/** GET /api/preview?slug=… — for logged-in staff only: turn on draft mode and open the guide. */
export async function GET(request: Request) {
  const slug = new URL(request.url).searchParams.get('slug') || ''
  const session = await staffSession((await cookies()).get(STAFF_COOKIE)?.value)
  // Anyone else gets the same 404 a missing page gets: nothing to learn here.
  if (!session || !isValidSlug(slug)) return new Response('Not found', { status: 404 })
  ;(await draftMode()).enable()
  return new Response(null, { status: 307, headers: { location: `/guides/${slug}`, 'cache-control': 'no-store' } })
}
