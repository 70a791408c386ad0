import { createHash, pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { sql } from '@payloadcms/db-postgres'
import { after } from 'next/server'
import { addDataAndFileToRequest, loginOperation, type Endpoint, type PayloadRequest } from 'payload'
import { generatePayloadCookie } from 'payload/shared'
import { clientAddress, hashClientAddress } from '../../lib/clientAddress'
import { execute } from '../../lib/db'
import { json } from '../../lib/http'
import { forgive, hit, passwordResetLimits, signInLimits } from '../../lib/rateLimit'
import { recordSignIn } from '../StaffSignIns'

const pbkdf2Async = promisify(pbkdf2)

/** The typed address as Payload compares it (lower case, trimmed). */
const normalisedEmail = (v: unknown) => (typeof v === 'string' ? v.toLowerCase().trim() : '')
/** Rate-limit keys hold a hash of the address, not the address. */
const emailKey = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 32)

async function accountId(req: PayloadRequest, email: string): Promise<number | null> {
  if (!email) return null
  const rows = await execute(req, sql`select id from users where email = ${email} limit 1`)
  return rows.length ? Number(rows[0].id) : null
}

/**
 * Costs what checking a real password costs, for addresses that match no account, so the
 * answer's timing does not tell which addresses are staff accounts. The parameters are Payload
 * 3.90's for new hashes (pbkdf2-sha256, 600,000 iterations, 32 bytes); if an upgrade changes
 * them, the timing test in tests/int/staff-accounts.int.test.ts fails.
 */
async function checkAgainstNoAccount(password: string) {
  await pbkdf2Async(password, randomBytes(32).toString('hex'), 600_000, 32, 'sha256')
}

const tooMany = (retryAfter: number, sentence: string) =>
  json(429, { errors: [{ message: `${sentence} Try again in ${Math.ceil(retryAfter / 60)} minute${retryAfter > 60 ? 's' : ''}.` }] }, { 'retry-after': String(retryAfter) })

const firstRefusal = (results: (number | null)[]) => results.reduce<number | null>((a, b) => (b === null ? a : Math.max(a ?? 0, b)), null)

/**
 * POST /api/users/login, in place of Payload's own (custom endpoints are matched first): the
 * same login operation and answer, with throttling, equal timing for unknown addresses and a
 * record of every attempt. Payload's own per-account lockout is off (maxLoginAttempts: 0): it
 * let anyone lock a colleague out by typing wrong passwords.
 */
export const signInEndpoint: Endpoint = {
  path: '/login',
  method: 'post',
  handler: async (req) => {
    await addDataAndFileToRequest(req)
    const data = (req.data ?? {}) as Record<string, unknown>
    const email = normalisedEmail(data.email)
    const password = typeof data.password === 'string' ? data.password : ''
    const clientHash = hashClientAddress(clientAddress(req.headers))
    const limits = signInLimits()

    // Counted before the check, so a burst of parallel guesses is counted in full; a success
    // takes its attempt back below.
    const keys = [`signin:client:${clientHash}`, `signin:client-account:${clientHash}:${emailKey(email)}`]
    const refused = firstRefusal(
      await Promise.all([hit(req, keys[0], limits.perClient, limits.windowSeconds), hit(req, keys[1], limits.perClientAndAccount, limits.windowSeconds)]),
    )
    const user = await accountId(req, email)
    if (refused !== null) {
      await recordSignIn(req, { user, email, outcome: 'throttled', clientHash })
      return tooMany(refused, 'Too many failed sign-ins from here.')
    }
    if (user === null && password) await checkAgainstNoAccount(password)

    const depth = Number(req.searchParams.get('depth'))
    let result: Awaited<ReturnType<typeof loginOperation>>
    try {
      result = await loginOperation({
        collection: req.payload.collections.users,
        data: { email, password },
        depth: Number.isInteger(depth) ? depth : undefined,
        req,
      })
    } catch (err) {
      if ((err as { status?: number }).status === 401) await recordSignIn(req, { user, email, outcome: 'failed', clientHash })
      throw err
    }
    await Promise.all(keys.map((key) => forgive(req, key, limits.windowSeconds)))
    await recordSignIn(req, { user, email, outcome: 'signed_in', clientHash })

    const cookie = generatePayloadCookie({
      collectionAuthConfig: req.payload.collections.users.config.auth,
      cookiePrefix: req.payload.config.cookiePrefix,
      token: result.token as string,
    })
    return json(200, { message: req.t('authentication:passed'), ...result }, { 'set-cookie': cookie })
  },
}

/**
 * POST /api/users/forgot-password, in place of Payload's own: rate-limited per client and per
 * address, and answered before the work is done, so the answer takes the same time whether or
 * not the address is an account (Payload's own answered unknown addresses ~30× faster).
 */
export const passwordResetEndpoint: Endpoint = {
  path: '/forgot-password',
  method: 'post',
  handler: async (req) => {
    await addDataAndFileToRequest(req)
    const email = normalisedEmail((req.data as Record<string, unknown> | undefined)?.email)
    if (!email) return json(400, { errors: [{ message: 'Missing email.' }] })
    const clientHash = hashClientAddress(clientAddress(req.headers))
    const limits = passwordResetLimits()
    const refused = firstRefusal(
      await Promise.all([
        hit(req, `reset:client:${clientHash}`, limits.perClient, limits.windowSeconds),
        hit(req, `reset:email:${emailKey(email)}`, limits.perEmail, limits.windowSeconds),
      ]),
    )
    if (refused !== null) return tooMany(refused, 'Too many password-reset requests.')
    const { payload } = req
    // Run once the answer has gone (Next's after()), so it cannot slow the answer (see above).
    // Payload's operation sends the email when the address is an account, and does nothing otherwise.
    after(() => payload.forgotPassword({ collection: 'users', data: { email } }).catch((err) => payload.logger.error({ err, msg: 'password reset request failed' })))
    return json(200, { message: req.t('general:success') })
  },
}
