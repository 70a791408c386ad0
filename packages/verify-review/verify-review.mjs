#!/usr/bin/env node
// npm run verify-review -- <guide URL>
//
// A standalone check of a guide's review record, written apart from the product's code (it
// imports nothing from it) so that it checks the product rather than repeating it. It fetches
// <guide URL>/review.json and the signer's keys.json, then checks, as the README describes:
//   1. sha256(canonical content) equals the signed content hash;
//   2. the canonical sign-off string names this guide, this hash (algorithm, version, value), the
//      named reviewer and a time, and the WebAuthn challenge in clientDataJSON is
//      base64url(sha256(that string));
//   3. the authenticator verified the user, and the ECDSA/EdDSA/RSA signature over
//      authenticatorData ‖ sha256(clientDataJSON) holds for the reviewer's published key (JWK).
// Past sign-offs in the history are checked the same way when they carry a signature.
// Exit code 0 when the current sign-off verifies, 1 otherwise (with the reason).
import { createHash, createPublicKey, verify } from 'node:crypto'

const sha256 = (data) => createHash('sha256').update(data).digest()
const fromB64u = (s) => Buffer.from(String(s), 'base64url')

async function getJson(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return res.json()
}

/** The canonical sign-off string's parts (its documented form), or null. */
function parseCanonical(text) {
  const m = /^Runsense sign-off v1\nguide: (\d+)\nhash: (\S+) v(\d+) ([0-9a-f]{64})\nreviewer: (\d+)\nat: (\S+)$/.exec(String(text))
  return m ? { guide: m[1], algorithm: m[2], version: Number(m[3]), value: m[4], reviewer: m[5], at: m[6] } : null
}

/** Checks one signature; throws an Error saying what does not hold. */
function checkSignature({ sig, guideId, hash, version, reviewerId, keys }) {
  const parts = parseCanonical(sig.canonical ?? sig.challenge)
  if (!parts) throw new Error('the canonical sign-off string is not in the documented form')
  if (parts.guide !== String(guideId)) throw new Error(`the signature is for guide ${parts.guide}, not ${guideId}`)
  if (parts.algorithm !== 'sha256' || parts.value !== hash) throw new Error('the signature is for another content hash')
  if (parts.version !== version) throw new Error(`the signature is for hash version ${parts.version}, not ${version}`)
  if (parts.reviewer !== String(reviewerId)) throw new Error(`the signature names reviewer ${parts.reviewer}, not ${reviewerId}`)
  const clientDataBytes = fromB64u(sig.clientDataJSON)
  let clientData
  try {
    clientData = JSON.parse(clientDataBytes.toString('utf8'))
  } catch {
    throw new Error('clientDataJSON is not JSON')
  }
  if (clientData.type !== 'webauthn.get') throw new Error('clientDataJSON is not from an assertion')
  const expectedChallenge = sha256(Buffer.from(sig.canonical ?? sig.challenge, 'utf8')).toString('base64url')
  if (clientData.challenge !== expectedChallenge) throw new Error('the challenge is not base64url(sha256(canonical string))')
  const authData = fromB64u(sig.authenticatorData)
  if (authData.length < 37) throw new Error('authenticatorData is too short')
  if ((authData[32] & 0x01) === 0) throw new Error('the authenticator did not see the user present')
  if ((authData[32] & 0x04) === 0) throw new Error('the authenticator did not verify the user')
  const key = keys.find((k) => k.credentialId === sig.credentialId)
  if (!key) throw new Error(`key ${sig.credentialId} is not among the reviewer's published keys`)
  const signed = Buffer.concat([authData, sha256(clientDataBytes)])
  const publicKey = createPublicKey({ key: key.jwk, format: 'jwk' })
  let good
  if (key.alg === -7) good = verify('sha256', signed, { key: publicKey, dsaEncoding: 'der' }, fromB64u(sig.signature))
  else if (key.alg === -8) good = verify(null, signed, publicKey, fromB64u(sig.signature))
  else if (key.alg === -257) good = verify('sha256', signed, publicKey, fromB64u(sig.signature))
  else throw new Error(`algorithm ${key.alg} is not one this verifier knows`)
  if (!good) throw new Error('the signature does not match the published key')
  return { key, clientData, parts }
}

async function main() {
  const arg = process.argv[2]
  if (!arg) {
    console.error('Usage: npm run verify-review -- <guide URL>   (e.g. https://example.org/guides/returning-to-running)')
    return 1
  }
  const guideUrl = arg.replace(/\/(review\.json)?$/, '')
  const record = await getJson(`${guideUrl}/review.json`)
  let failed = false
  const ok = (m) => console.log(`  ✓ ${m}`)
  const bad = (m) => {
    failed = true
    console.log(`  ✗ ${m}`)
  }
  console.log(`Review record of ${record.url ?? guideUrl}`)

  const computed = sha256(Buffer.from(String(record.canonical), 'utf8')).toString('hex')
  if (record.hash?.algorithm !== 'sha256') bad(`unknown hash algorithm ${record.hash?.algorithm}`)
  else if (computed === record.hash.value) ok(`sha256(canonical content) = ${computed} (version ${record.hash.version}), the signed hash`)
  else bad(`sha256(canonical content) is ${computed}, but the signed hash is ${record.hash.value}`)

  const so = record.signOff
  if (!so) {
    bad('the record has no current sign-off')
    return 1
  }
  const sig = so.signature
  if (!sig || !sig.signature) {
    bad(`the current sign-off (${so.date}) carries no signature${sig?.status ? `: "${sig.status}"` : ''}`)
  } else {
    const keysUrl = sig.keys ?? `${so.reviewer.url}/keys.json`
    const { keys } = await getJson(keysUrl)
    try {
      const { key, clientData, parts } = checkSignature({ sig, guideId: record.id, hash: record.hash.value, version: record.hash.version, reviewerId: so.reviewer.id, keys })
      ok(`challenge = base64url(sha256("${parts.at}" sign-off string for guide ${parts.guide}, reviewer ${parts.reviewer}))`)
      ok(`signed by ${so.reviewer.name}'s key ${key.credentialId} (alg ${key.alg}${key.retired ? `, retired ${key.retired}` : ''}) from ${keysUrl}; origin ${clientData.origin}`)
    } catch (err) {
      bad(`current sign-off: ${err.message}`)
    }
  }

  for (const [i, e] of (record.history ?? []).entries()) {
    if (!e.signature?.signature) {
      console.log(`  · history ${i + 1} (${e.date}): not signed${e.signature?.status ? ` (${e.signature.status})` : ''}`)
      continue
    }
    try {
      const { keys } = await getJson(e.signature.keys ?? `${e.reviewer.url}/keys.json`)
      checkSignature({
        sig: e.signature,
        guideId: record.id,
        hash: e.hash.value,
        version: parseCanonical(e.signature.canonical ?? e.signature.challenge)?.version,
        reviewerId: e.reviewer.id,
        keys,
      })
      ok(`history ${i + 1} (${e.date}): signature verified`)
    } catch (err) {
      bad(`history ${i + 1} (${e.date}): ${err.message}`)
    }
  }
  console.log(failed ? 'NOT VERIFIED' : 'VERIFIED')
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`NOT VERIFIED: ${err.message}`)
    process.exit(1)
  },
)
