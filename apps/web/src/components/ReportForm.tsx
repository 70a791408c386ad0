import { Honeypot } from './Honeypot'
import { MAX_REPORT_MESSAGE } from '@runsense/domain/reader-report'

/**
 * "Report a problem with this guide": a plain HTML form (works with JavaScript off) that posts to
 * /api/feedback and answers with a page. The honeypot field is invisible to people.
 */
export function ReportForm({ guide, error, message, email }: { guide: string; error?: string; message?: string; email?: string }) {
  return (
    <section aria-labelledby="report-heading" className="report" id="report">
      <h2 id="report-heading">Report a problem with this guide</h2>
      <p>Spotted a mistake, an outdated claim or a broken source? Tell us; an editor reads every report.</p>
      <form method="post" action="/api/feedback" className="report-form">
        <input type="hidden" name="guide" value={guide} />
        <label htmlFor="report-message">What is wrong? (up to {MAX_REPORT_MESSAGE.toLocaleString('en-US')} characters)</label>
        <textarea
          id="report-message"
          name="message"
          required
          maxLength={MAX_REPORT_MESSAGE}
          rows={4}
          defaultValue={message}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'report-error' : undefined}
        />
        <label htmlFor="report-email">Your email, if you would like a reply (optional)</label>
        <input id="report-email" name="email" type="email" autoComplete="email" maxLength={254} defaultValue={email} />
        {error ? (
          <p id="report-error" className="signup-message signup-message--error" role="alert">
            {error}
          </p>
        ) : null}
        <Honeypot />
        <button type="submit">Send report</button>
      </form>
    </section>
  )
}
