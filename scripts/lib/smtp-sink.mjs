// A real SMTP peer (the smtp-server package) that accepts every message, counts deliveries per
// recipient address and checks each message's list headers. Used by the newsletter bench rows
// and the newsletter fault tests. It can be stopped and started again on the same port (SMTP
// "down"), keeping its counts.
import { SMTPServer } from 'smtp-server'

function headersOf(head) {
  const out = {}
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return out
}

export async function startSmtpSink({ port, host = '127.0.0.1' }) {
  const perAddress = new Map()
  const messageIds = new Set()
  const problems = []
  let accepted = 0
  let firstAt = 0
  let lastAt = 0
  let server = null
  let sockets = new Set()

  const check = (h) => {
    if (!/^<https?:\/\/[^>]+>, <mailto:[^>]+>$/.test(h['list-unsubscribe'] ?? '')) return `List-Unsubscribe: ${h['list-unsubscribe']}`
    if (h['list-unsubscribe-post'] !== 'List-Unsubscribe=One-Click') return `List-Unsubscribe-Post: ${h['list-unsubscribe-post']}`
    if (!h['list-id']) return 'no List-Id'
    if (!h['message-id']) return 'no Message-ID'
    return null
  }

  const listen = () =>
    new Promise((resolve, reject) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        maxClients: 1000,
        size: 5 * 1024 * 1024,
        onConnect(session, cb) {
          cb()
        },
        onData(stream, session, cb) {
          let head = ''
          let done = false
          stream.on('data', (chunk) => {
            if (done) return
            head += chunk.toString('latin1')
            const i = head.indexOf('\r\n\r\n')
            if (i >= 0) {
              head = head.slice(0, i)
              done = true
            }
          })
          stream.on('end', () => {
            const h = headersOf(head)
            messageIds.add(h['message-id'])
            // Counted per issue (from the Message-ID the CMS sets) and address.
            const issue = /issue-(\d+)\./.exec(h['message-id'] ?? '')?.[1] ?? 'other'
            // List headers are checked on newsletter issues; other emails (confirmations, notices) are not list mail.
            const problem = issue === 'other' ? null : check(h)
            if (problem && problems.length < 20) problems.push(problem)
            for (const r of session.envelope.rcptTo) {
              const a = `${issue}:${r.address.toLowerCase()}`
              perAddress.set(a, (perAddress.get(a) ?? 0) + 1)
              accepted++
            }
            lastAt = Date.now()
            if (!firstAt) firstAt = lastAt
            cb(null, 'Accepted')
          })
        },
      })
      server.on('error', () => {})
      server.server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.listen(port, host, (err) => (err ? reject(err) : resolve()))
    })

  await listen()
  return {
    url: `smtp://${host}:${port}`,
    perAddress,
    stats() {
      let duplicates = 0
      for (const n of perAddress.values()) if (n > 1) duplicates += n - 1
      return { accepted, addresses: perAddress.size, duplicates, uniqueMessageIds: messageIds.size, problems: [...problems], firstAt, lastAt }
    },
    /** Messages of one issue accepted so far. */
    acceptedFor(issue) {
      let n = 0
      for (const [k, v] of perAddress) if (k.startsWith(`${issue}:`)) n += v
      return n
    },
    /** Missing and duplicated among the addresses expected to get one issue, and any unexpected. */
    compare(issue, expected) {
      let missing = 0
      let duplicated = 0
      const dupAddresses = []
      for (const a of expected) {
        const n = perAddress.get(`${issue}:${a.toLowerCase()}`) ?? 0
        if (n === 0) missing++
        if (n > 1) {
          duplicated += n - 1
          dupAddresses.push(a)
        }
      }
      const unexpected = [...perAddress.keys()].filter((k) => k.startsWith(`${issue}:`) && !expected.has(k.slice(String(issue).length + 1))).length
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
