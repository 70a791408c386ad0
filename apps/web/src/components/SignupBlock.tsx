import { SignupForm } from './SignupForm'

/** The newsletter promise, as the seed guide shows it. The exact words are kept with each consent. */
export const SIGNUP_HEADING = 'One running guide a week.'
export const SIGNUP_TEXT = 'Calm, useful, no spam. Plain-English coaching from the Runsense team, once a week.'

export function SignupBlock({ source, error, value }: { source?: string; error?: string; value?: string }) {
  return (
    <section className="signup" aria-labelledby="signup-heading" id="signup">
      <h2 id="signup-heading">{SIGNUP_HEADING}</h2>
      <p>{SIGNUP_TEXT}</p>
      <SignupForm source={source} error={error} value={value} />
    </section>
  )
}
