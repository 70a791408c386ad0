import { describe, expect, it } from 'vitest'
import { clientAddress, trustedHops } from './client-address'

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress({ forwardedFor: '203.0.113.9', peer: '198.51.100.1', trustedHops: 0 })).toBe('198.51.100.1')
  })

  it('takes the entry the trusted proxy appended, not what the client wrote before it', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    expect(clientAddress({ forwardedFor: '1.2.3.4, 198.51.100.7', peer: '10.0.0.2', trustedHops: 1 })).toBe('198.51.100.7')
  })

  it('a client rotating forged entries stays one address', () => {
    const seen = new Set(Array.from({ length: 60 }, (_, i) => clientAddress({ forwardedFor: `10.9.${i}.1, 203.0.113.5`, peer: '10.0.0.2', trustedHops: 1 })))
    expect([...seen]).toEqual(['203.0.113.5'])
  })

  it('with two trusted hops, the second entry from the right', () => {
    expect(clientAddress({ forwardedFor: 'forged, 203.0.113.5, 10.0.0.3', peer: '10.0.0.2', trustedHops: 2 })).toBe('203.0.113.5')
  })

  it('with fewer entries than trusted hops, the left-most (what the first proxy saw)', () => {
    expect(clientAddress({ forwardedFor: '203.0.113.5', peer: '10.0.0.2', trustedHops: 3 })).toBe('203.0.113.5')
  })

  it('falls back to the peer when the header is missing or empty', () => {
    expect(clientAddress({ forwardedFor: null, peer: '10.0.0.2', trustedHops: 1 })).toBe('10.0.0.2')
    expect(clientAddress({ forwardedFor: ' , ', peer: '10.0.0.2', trustedHops: 1 })).toBe('10.0.0.2')
    expect(clientAddress({ forwardedFor: null, peer: '', trustedHops: 1 })).toBe('unknown')
  })
})

describe('trustedHops (TRUST_PROXY)', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['false', 0],
    ['0', 0],
    ['true', 1],
    ['1', 1],
    ['2', 2],
    ['-1', 0],
    ['1.5', 0],
    ['yes', 0],
  ])('%s → %i', (value, hops) => {
    expect(trustedHops(value)).toBe(hops)
  })
})
