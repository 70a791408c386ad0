import { callCms } from '@/lib/newsletter'

/**
 * POST /newsletter/confirm (rewritten here by proxy.ts): the "Confirm my subscription" button.
 * Only this POST confirms; the emailed GET link just shows the button, so mail scanners that
 * prefetch links cannot confirm anyone. Answers with the page saying how it went.
 */
export async function POST(request: Request) {
  const token = new URL(request.url).searchParams.get('token') || ''
  let result: string
  try {
    const answer = String((await callCms('confirm', { token })).result)
    result = answer === 'confirmed' || answer === 'expired' ? answer : 'invalid'
  } catch {
    result = 'unavailable'
  }
  const back = result === 'unavailable' ? `/newsletter/confirm?token=${encodeURIComponent(token)}&done=unavailable` : `/newsletter/confirm?done=${result}`
  return new Response(null, { status: 303, headers: { location: back } })
}
