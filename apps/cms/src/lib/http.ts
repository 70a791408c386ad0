/** Small helpers for our custom endpoints' answers and bodies. */
import type { PayloadRequest } from 'payload'

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) => Response.json(body, { status, headers })

/** The request's JSON body when it is an object; null for anything else (not JSON, array, empty). */
export async function jsonObject(req: PayloadRequest): Promise<Record<string, unknown> | null> {
  try {
    const body = await (req as unknown as Request).json()
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null
  } catch {
    return null
  }
}
