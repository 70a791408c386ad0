// A local mail catcher with a web inbox (MailDev) for `npm start` when no SMTP_URL is set.
import path from 'node:path'
import { root, startProcess, supervise } from './stack.mjs'
import { assertPortsFree, waitForHttp } from './util.mjs'

export async function startMailCatcher({
  smtpPort = Number(process.env.MAIL_SMTP_PORT || 1025),
  webPort = Number(process.env.MAIL_WEB_PORT || 1080),
  log = () => {},
  restartOnCrash = false,
} = {}) {
  await assertPortsFree({ MAIL_SMTP_PORT: smtpPort, MAIL_WEB_PORT: webPort })
  log('Starting the local mail catcher…')
  const bin = path.join(root, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js')
  const launch = () =>
    startProcess('mail', process.execPath, [bin, '--smtp', String(smtpPort), '--web', String(webPort), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1'], { cwd: root, env: {} })
  const first = launch()
  await waitForHttp(`http://127.0.0.1:${webPort}/`, { timeoutMs: 30_000, isAlive: first.isAlive, ok: (r) => r.status < 500 })
  // Under `npm start` a crashed catcher comes back; emails queued meanwhile are retried by the CMS.
  const proc = restartOnCrash ? supervise('mail catcher', first, launch, { log, readyUrl: `http://127.0.0.1:${webPort}/` }) : first
  return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, webUrl: `http://localhost:${webPort}`, stop: proc.stop, proc }
}
