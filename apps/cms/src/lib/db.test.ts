import net from 'node:net'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from './db'

/** The error the real driver gives connecting to `port` through a pool that waits `waitMs`. */
async function connectError(port: number, waitMs = 300) {
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: waitMs })
  try {
    await pool.query('select 1')
    throw new Error('connected')
  } catch (err) {
    return err
  } finally {
    await pool.end().catch(() => {})
  }
}

describe('telling a database that cannot be reached from a request that is wrong', () => {
  it("knows the driver's own errors, also when wrapped as Drizzle wraps them", async () => {
    const closed = net.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as net.AddressInfo).port
    await new Promise((r) => closed.close(r))
    const refused = await connectError(port)
    expect(isDatabaseUnavailable(refused)).toBe(true)
    expect(isDatabaseUnavailable(new Error('Failed query: select 1', { cause: refused }))).toBe(true)
    expect(isDatabaseUnavailable(Object.assign(new Error('Failed query: select 1'), { originalError: refused }))).toBe(true)

    // A server that accepts and never answers: the pool's wait runs out.
    const silent = net.createServer(() => {})
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    try {
      expect(isDatabaseUnavailable(await connectError((silent.address() as net.AddressInfo).port))).toBe(true)
    } finally {
      silent.close()
    }
  })

  it('leaves every other failure alone', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' }))).toBe(false)
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false)
    expect(isDatabaseUnavailable(new Error('Something went wrong.'))).toBe(false)
    expect(isDatabaseUnavailable(null)).toBe(false)
  })
})
