/**
 * packages/next-server: what both apps' server.mjs rely on for rate limits and sign-in throttling.
 * Next itself is replaced by a stand-in that echoes the headers it is handed: what is tested is
 * the node:http layer in front of it, which a client talks to first.
 */
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { serveNext } from '@runsense/next-server'

const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/

const fakeNext = () => ({
  prepare: async () => {},
  getRequestHandler: () => (req: IncomingMessage, res: ServerResponse) => res.end(JSON.stringify(req.headers)),
})

describe('serveNext', () => {
  const servers: Server[] = []
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))
  const start = async (wrap?: (handle: (req: IncomingMessage, res: ServerResponse) => void) => (req: IncomingMessage, res: ServerResponse) => void) => {
    const server: Server = await serveNext({ next: fakeNext, dir: '.', name: 'test', defaultPort: 0, args: ['-p', '0'], ...(wrap ? { wrap } : {}) })
    servers.push(server)
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it("hands Next the socket's address in x-runsense-peer, over whatever the client sent under that name", async () => {
    const url = await start()
    const seen = await (await fetch(url, { headers: { 'x-runsense-peer': '203.0.113.9', 'x-forwarded-for': '198.51.100.7' } })).json()
    // Listening on every interface, a loopback IPv4 client shows as ::ffff:127.0.0.1 (the client-address module reads both).
    expect(seen['x-runsense-peer']).toMatch(LOOPBACK)
    // X-Forwarded-For is passed on untouched: only TRUST_PROXY decides whether it is believed.
    expect(seen['x-forwarded-for']).toBe('198.51.100.7')
  })

  it("puts the app's own handling (wrap) in front of Next's handler", async () => {
    const url = await start((handle) => (req, res) => (req.url === '/wrapped' ? res.end('wrapped') : handle(req, res)))
    expect(await (await fetch(`${url}/wrapped`)).text()).toBe('wrapped')
    expect((await (await fetch(`${url}/other`)).json())['x-runsense-peer']).toMatch(LOOPBACK)
  })
})
