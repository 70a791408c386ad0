import { Honeypot } from './Honeypot'

/**
 * A plain HTML form that works without JavaScript (POST, then a page). public/signup.js, loaded
 * with it, posts it as JSON instead and shows the answer inline, without a page load.
 */
export function SignupForm({ source, error, value }: { source?: string; error?: string; value?: string }) {
  return (
    <>
      <form method="post" action="/api/newsletter" className="signup-form" noValidate>
        <label htmlFor="signup-email">Email address</label>
        <div className="signup-row">
          <input
            id="signup-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            defaultValue={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'signup-error' : undefined}
          />
          <button type="submit">Subscribe</button>
        </div>
        {error ? (
          <p id="signup-error" className="signup-message signup-message--error" role="alert">
            {error}
          </p>
        ) : null}
        {source ? <input type="hidden" name="source" value={source} /> : null}
        <Honeypot />
      </form>
      <script src="/signup.js" defer />
    </>
  )
}
