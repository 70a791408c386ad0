/** The newsletter promise, as the seed guide shows it. A plain form: it works without JavaScript. */
export const SIGNUP_HEADING = 'One running guide a week.'
export const SIGNUP_TEXT = 'Calm, useful, no spam. Plain-English coaching from the Runsense team, once a week.'

export function SignupBlock({ source }: { source?: string }) {
  return (
    <section className="signup" aria-labelledby="signup-heading">
      <h2 id="signup-heading">{SIGNUP_HEADING}</h2>
      <p>{SIGNUP_TEXT}</p>
      <form method="post" action="/api/newsletter" className="signup-form">
        <label htmlFor="signup-email">Email address</label>
        <div className="signup-row">
          <input id="signup-email" name="email" type="email" autoComplete="email" required maxLength={254} />
          <button type="submit">Subscribe</button>
        </div>
        {source ? <input type="hidden" name="source" value={source} /> : null}
      </form>
    </section>
  )
}
