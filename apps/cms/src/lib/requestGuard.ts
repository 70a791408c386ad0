/**
 * A guard in front of Payload's REST and GraphQL handlers: a write whose body Payload cannot
 * read gets a 4xx with a sentence instead of Payload's 500. Payload parses only JSON and
 * multipart bodies (and url-encoded ones for its GET-override); any other type reaches its
 * operations with no data at all and fails deep inside them (a cookie-authenticated POST
 * /api/articles with text/plain answered 500). Refusing other types also keeps the
 * cross-site-form content types (text/plain) away from every write.
 */
const READABLE = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded']
const WRITES = ['POST', 'PATCH', 'PUT']

const refuse = (status: number, message: string) => Response.json({ errors: [{ message }] }, { status, headers: { 'cache-control': 'no-store' } })

/** 415 for a body Payload would not read; null when the request may go on. */
export function unreadableBody(request: Request): Response | null {
  if (!WRITES.includes(request.method.toUpperCase())) return null
  const type = (request.headers.get('content-type') || '').split(';')[0].trim().toLowerCase()
  if (!type) {
    const length = Number(request.headers.get('content-length') || 0)
    return length > 0 ? refuse(415, 'Send the body as JSON (Content-Type: application/json).') : null
  }
  return READABLE.includes(type) ? null : refuse(415, `Bodies of type ${type.slice(0, 100)} are not accepted here. Send JSON (Content-Type: application/json).`)
}

type Handler<C> = (request: Request, context: C) => Promise<Response>

/** Wraps a REST route handler of Payload's. */
export const guardBodies =
  <C>(handler: Handler<C>): Handler<C> =>
  async (request, context) =>
    unreadableBody(request) ?? handler(request, context)

/** Wraps Payload's GraphQL handler: only JSON bodies, and malformed JSON is a 400, not a 500. */
export const guardGraphQL =
  <C>(handler: Handler<C>): Handler<C> =>
  async (request, context) => {
    const type = (request.headers.get('content-type') || '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') return handler(request, context) // graphql-http answers other types itself (415)
    const text = await request.text()
    try {
      JSON.parse(text)
    } catch {
      return refuse(400, 'The request body is not valid JSON.')
    }
    return handler(new Request(request.url, { method: request.method, headers: request.headers, body: text }), context)
  }
