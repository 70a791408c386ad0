import { afterEach, describe, expect, it } from 'vitest'
import { clientAddress, hashClientAddress } from './clientAddress'

const saved = process.env.TRUST_PROXY
afterEach(() => (saved === undefined ? delete process.env.TRUST_PROXY : (process.env.TRUST_PROXY = saved)))

const PEER = '10.0.0.7'
/** A request as server.mjs hands it on: the socket's address in x-runsense-peer, plus whatever X-Forwarded-For arrived. */
const from = (xff?: string, peer: string | null = PEER) =>
  clientAddress(new Headers({ ...(xff === undefined ? {} : { 'x-forwarded-for': xff }), ...(peer ? { 'x-runsense-peer': peer } : {}) }))

describe('clientAddress', () => {
  it("without a trusted proxy: the socket's address, whatever X-Forwarded-For the client wrote", () => {
    delete process.env.TRUST_PROXY
    expect(from()).toBe(PEER)
    expect(from('1.1.1.1')).toBe(PEER)
    expect(from('1.1.1.1, 2.2.2.2')).toBe(PEER)
    expect(from(undefined, null)).toBe('unknown')
  })
  it('behind N trusted proxies: the address the outermost one saw, whatever the client wrote before it', () => {
    process.env.TRUST_PROXY = '1'
    expect(from('6.6.6.6, 203.0.113.5')).toBe('203.0.113.5')
    process.env.TRUST_PROXY = '2'
    expect(from('6.6.6.6, 203.0.113.5, 10.0.0.2')).toBe('203.0.113.5')
    process.env.TRUST_PROXY = 'true'
    expect(from('6.6.6.6, 203.0.113.5')).toBe('203.0.113.5')
    process.env.TRUST_PROXY = '3'
    expect(from('203.0.113.5')).toBe('203.0.113.5')
  })
  it('keeps no address, only a keyed hash', () => {
    expect(hashClientAddress('203.0.113.5')).toMatch(/^[0-9a-f]{32}$/)
    expect(hashClientAddress('203.0.113.5')).not.toBe(hashClientAddress('203.0.113.6'))
  })
})
