/** Reads what the real SMTP peer (MailDev, started by scripts/test.mjs) received. */
export type Mail = { id: string; subject: string; text: string; to: { address: string }[]; headers: Record<string, string>; date: string }

const api = () => process.env.MAIL_API_URL || 'http://127.0.0.1:1180'

export async function allMail(): Promise<Mail[]> {
  const res = await fetch(`${api()}/api/email`, { signal: AbortSignal.timeout(10_000) })
  return (await res.json()) as Mail[]
}

export const mailTo = async (address: string) => (await allMail()).filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()))

/** Waits until `count` emails to the address match, then returns them. */
export async function waitForMail(address: string, match: (m: Mail) => boolean = () => true, { count = 1, timeoutMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs
  let found: Mail[] = []
  while (Date.now() < deadline) {
    found = (await mailTo(address)).filter(match)
    if (found.length >= count) return found
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`expected ${count} email(s) to ${address}, got ${found.length}`)
}

/** The first link in a mail's text that starts with the site's URL and path. */
export function linkIn(mail: Mail, path: string): string {
  const m = mail.text.match(new RegExp(`https?://[^\\s]+${path.replace(/[/?]/g, '\\$&')}[^\\s]*`))
  if (!m) throw new Error(`no ${path} link in: ${mail.text}`)
  return m[0]
}

/** A header as it arrived, read from the raw message (MailDev's parsed headers omit some). */
export async function header(mail: Mail, name: string): Promise<string | undefined> {
  const raw = await (await fetch(`${api()}/api/email/${mail.id}/source`)).text()
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ')
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
