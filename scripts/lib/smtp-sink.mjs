// A real SMTP peer (the smtp-server package) that accepts every message, counts deliveries per
// issue and recipient address and checks each message's list headers. Used by the newsletter bench
// rows and the newsletter fault tests. It can be stopped and started again on the same port (SMTP
// "down"), keeping its counts.
import { SMTPServer } from 'smtp-server'

/** What is wrong with a newsletter message's headers (lower-cased names), or null. */
function problemOf(h) {
  if (!/^<https?:\/\/[^>]+>, <mailto:[^>]+>$/.test(h['list-unsubscribe'] ?? '')) return `List-Unsubscribe: ${h['list-unsubscribe']}`
  if (h['list-unsubscribe-post'] !== 'List-Unsubscribe=One-Click') return `List-Unsubscribe-Post: ${h['list-unsubscribe-post']}`
  if (!h['list-id']) return 'no List-Id'
  if (!h['message-id']) return 'no Message-ID'
  return null
}

export async function startSmtpSink({ port, host = '127.0.0.1' }) {
  /** `<issue>:<address>` → messages accepted (the issue from the Message-ID the CMS sets). */
  const perAddress = new Map()
  const problems = []
  let server = null
  let sockets = new Set()

  const onData = (stream, session, cb) => {
    let head = ''
    stream.on('data', (chunk) => {
      if (!head.includes('\r\n\r\n')) head += chunk.toString('latin1')
    })
    stream.on('end', () => {
      // The header block with folded lines unfolded; names lower-cased.
      const block = head.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ')
      const h = Object.fromEntries([...block.matchAll(/^([^:\r\n]+):(.*)$/gm)].map(([, name, value]) => [name.trim().toLowerCase(), value.trim()]))
      const issue = /issue-(\d+)\./.exec(h['message-id'] ?? '')?.[1] ?? 'other'
      // List headers are checked on newsletter issues; other emails (confirmations, notices) are not list mail.
      const problem = issue === 'other' ? null : problemOf(h)
      if (problem && problems.length < 20) problems.push(problem)
      for (const r of session.envelope.rcptTo) {
        const key = `${issue}:${r.address.toLowerCase()}`
        perAddress.set(key, (perAddress.get(key) ?? 0) + 1)
      }
      cb(null, 'Accepted')
    })
  }
  const listen = () =>
    new Promise((resolve, reject) => {
      server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, maxClients: 1000, size: 5 * 1024 * 1024, onData })
      server.on('error', () => {})
      server.server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.listen(port, host, (err) => (err ? reject(err) : resolve()))
    })
  const ofIssue = (issue) => [...perAddress].filter(([k]) => k.startsWith(`${issue}:`)).map(([k, n]) => [k.slice(String(issue).length + 1), n])

  await listen()
  return {
    url: `smtp://${host}:${port}`,
    perAddress,
    /** Header problems seen (the first 20). */
    problems,
    /** Messages of one issue accepted so far. */
    acceptedFor: (issue) => ofIssue(issue).reduce((sum, [, n]) => sum + n, 0),
    /** Missing and duplicated among the addresses expected to get one issue, and any unexpected. */
    compare(issue, expected) {
      const dupAddresses = []
      let [missing, duplicated] = [0, 0]
      for (const a of expected) {
        const n = perAddress.get(`${issue}:${a.toLowerCase()}`) ?? 0
        if (n === 0) missing++
        if (n > 1) {
          duplicated += n - 1
          dupAddresses.push(a)
        }
      }
      const unexpected = ofIssue(issue).filter(([a]) => !expected.has(a)).length
      return { missing, duplicated, dupAddresses, unexpected }
    },
    /** SMTP down: refuses connections until start() (in-flight connections are cut). */
    async stop() {
      if (!server) return
      const s = server
      server = null
      for (const socket of sockets) socket.destroy()
      sockets = new Set()
      await new Promise((r) => s.close(r))
    },
    async start() {
      if (!server) await listen()
    },
  }
}
