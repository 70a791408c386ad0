import { isolateObjectProperty, type PayloadRequest, type RequestContext } from 'payload'

/**
 * The request for one server write (the workflow, the source flagging, a job, the newsletter's own
 * status writes), marked in its context for the hooks it runs (`workflow`: which action writes;
 * `ISSUE_SERVER_WRITE`…). Clients cannot set a request's context, but Payload shares one request
 * object between all the operations of a request (a GraphQL request runs every mutation on it) and
 * merges each Local API call's context into the request it is given: a mark set on the caller's
 * request would still be there for the client's next mutation, which would then skip the guards
 * meant for it. So a server write runs on a request whose context is its own: the same user,
 * transaction and everything else, and its marks end with it (tests/int/signed-content).
 */
export function serverWriteReq(req: PayloadRequest, marks: RequestContext): PayloadRequest {
  const own = isolateObjectProperty(req, 'context')
  own.context = { ...req.context, ...marks }
  return own
}
