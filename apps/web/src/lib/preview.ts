/**
 * Draft preview for staff. Draft mode alone grants nothing: every draft read checks the
 * visitor's real CMS session (the payload-token cookie) with the CMS, on every request.
 * Payload's website template once let anonymous visitors into drafts by trusting a secret
 * in the URL; there is no secret here.
 */
import { requestCookie } from '../../next-server-patches.mjs'
import { cmsFetch } from './content'

export type StaffSession = { token: string; user: { id: number; role: string; name: string } }

export const STAFF_COOKIE = 'payload-token'

/** The staff session a CMS token belongs to, asked of the CMS now; null for anyone else. */
export async function staffSession(token: string | undefined): Promise<StaffSession | null> {
  if (!token || token.length > 4096) return null
  try {
    const res = await cmsFetch('/api/users/me', { headers: { authorization: `JWT ${token}` }, signal: AbortSignal.timeout(5000) })
    if (!res.ok) return null
    const body = (await res.json()) as { user?: { id: number; role?: string; name: string } | null }
    const role = body.user?.role
    return body.user && (role === 'admin' || role === 'editor' || role === 'reviewer') ? { token, user: { ...body.user, role } } : null
  } catch {
    return null
  }
}

/**
 * The staff session of the request a draft-mode page is rendered for (getStaticProps gets no
 * request; server.mjs keeps its cookies for the render, see next-server-patches.mjs).
 */
export const previewingStaff = () => staffSession(requestCookie(STAFF_COOKIE))
