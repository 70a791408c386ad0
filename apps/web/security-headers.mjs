// The security headers of every answer the site gives (wired in next.config.mjs).
// Reader pages ship no framework JavaScript: the only script is /signup.js, from this origin.
// JSON-LD (<script type="application/ld+json">) and Next's __NEXT_DATA__ (type="application/json")
// are data blocks, never executed, so script-src does not apply to them and needs no hash.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Features no reader page uses: denied to the page and to anything it could embed. */
export const PERMISSIONS_POLICY = 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()'

export const securityHeaders = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: PERMISSIONS_POLICY },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
]

// HSTS only where the reader reached us over https: a TLS-terminating proxy says so in
// X-Forwarded-Proto. (A client forging it over plain http only pins https for itself.)
export const HSTS = { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }

/** Next `headers()` entries: every path gets the security headers; https answers get HSTS. */
export const securityHeaderRules = () => [
  { source: '/:path*', headers: securityHeaders },
  { source: '/:path*', has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }], headers: [HSTS] },
]
