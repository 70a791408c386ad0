import net from 'node:net'

/** An error whose message is a plain sentence for the person at the terminal; no stack trace. */
export class PlainError extends Error {}

export const portIsFree = (port, host = '127.0.0.1') =>
  new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.once('listening', () => srv.close(() => resolve(true)))
    srv.listen(port, host)
  })

/**
 * Whether the port can be listened on, asking again for up to `timeoutMs`: a port in the kernel's
 * ephemeral range (32768–60999 here) can be held for a moment as the local end of one of the
 * many outgoing connections the tests make, which is not a server in the way.
 */
export async function portFreeSoon(port, { host = '127.0.0.1', timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await portIsFree(port, host)) return true
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 250))
  }
}

export async function waitForHttp(url, { timeoutMs = 60_000, ok = (res) => res.ok, isAlive = () => true } = {}) {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (!isAlive()) throw new PlainError(`The process serving ${url} exited before it was ready.`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
      if (ok(res)) return res
      last = `HTTP ${res.status}`
    } catch (err) {
      last = err.cause?.code || err.message
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new PlainError(`${url} was not ready after ${Math.round(timeoutMs / 1000)} s (last answer: ${last}).`)
}
