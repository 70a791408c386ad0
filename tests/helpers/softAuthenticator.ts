/**
 * A software WebAuthn authenticator for integration tests ONLY: a node:crypto P-256 key, with
 * authenticatorData, clientDataJSON and the attestation object built here by hand (CBOR through
 * @simplewebauthn/server's own encoder), because a real authenticator cannot run in a Node test.
 * The e2e test uses Chromium's real virtual authenticator instead. The product never builds or
 * parses these bytes itself: it uses @simplewebauthn/server.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url')
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest()

export type SoftAuthenticator = ReturnType<typeof softAuthenticator>

export function softAuthenticator({ rpId = 'localhost', origin }: { rpId?: string; origin: string }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const credentialId = randomBytes(16)
  let counter = 0
  const jwk = publicKey.export({ format: 'jwk' })

  const authData = (flags: number, attested?: Uint8Array, { rp = rpId, count: n = counter }: { rp?: string; count?: number } = {}) => {
    const count = Buffer.alloc(4)
    count.writeUInt32BE(n)
    return Buffer.concat([sha256(rp), Buffer.from([flags]), count, ...(attested ? [attested] : [])])
  }

  return {
    credentialId: b64u(credentialId),
    jwk,
    /** navigator.credentials.create() with attestation "none", user verified. */
    create(options: { challenge: string }, { flags = 0x45, originOverride }: { flags?: number; originOverride?: string } = {}) {
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ])
      const len = Buffer.alloc(2)
      len.writeUInt16BE(credentialId.length)
      const attested = Buffer.concat([Buffer.alloc(16), len, credentialId, Buffer.from(isoCBOR.encode(cose as never))])
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData(flags, attested)],
        ]) as never,
      )
      const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: originOverride ?? origin, crossOrigin: false }))
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        response: { attestationObject: b64u(attestationObject), clientDataJSON: b64u(clientDataJSON), transports: ['internal'] },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },
    /**
     * navigator.credentials.get(): an assertion over the challenge (flags 0x05 = user present +
     * verified). rpIdOverride and counterOverride make the assertions a cloned key or another site
     * would give.
     */
    get(
      options: { challenge: string },
      {
        flags = 0x05,
        originOverride,
        key,
        rpIdOverride,
        counterOverride,
      }: { flags?: number; originOverride?: string; key?: KeyObject; rpIdOverride?: string; counterOverride?: number } = {},
    ) {
      counter += 1
      const authenticatorData = authData(flags, undefined, { rp: rpIdOverride, count: counterOverride })
      const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: originOverride ?? origin, crossOrigin: false }))
      const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), key ?? privateKey)
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        response: { authenticatorData: b64u(authenticatorData), clientDataJSON: b64u(clientDataJSON), signature: b64u(signature) },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },
  }
}
