import { draftMode } from 'next/headers'

export async function GET(request: Request) {
  ;(await draftMode()).disable()
  const slug = new URL(request.url).searchParams.get('slug')
  return new Response(null, { status: 307, headers: { location: slug && /^[a-z0-9-]{1,96}$/.test(slug) ? `/guides/${slug}` : '/' } })
}
