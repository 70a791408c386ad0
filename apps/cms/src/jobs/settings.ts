/** Settings of the jobs queue, the SMTP transport and the database pool, read from env once (documented in the README). */
const positive = (name: string, fallback: number) => {
  const n = Number(process.env[name])
  return Number.isFinite(n) && n > 0 ? n : fallback
}

export const jobSettings = {
  /** A claimed job whose worker has not been heard of for this long is taken up again by any worker. */
  leaseMs: positive('JOBS_LEASE_SECONDS', 30) * 1000,
  /** After this many expired leases in a row (a job that kills its worker), the job is dead: has_error, shown on the desk. */
  maxLeaseExpiries: positive('JOBS_MAX_LEASE_EXPIRIES', 5),
  /** Jobs started together each second (emails leave in parallel, this many at a time). */
  batchSize: positive('JOBS_BATCH_SIZE', 50),
}

export const smtpSettings = {
  /** Pooled connections to SMTP_URL per process (transactional emails; newsletter issues have their own pool). */
  connections: positive('SMTP_CONNECTIONS', 5),
  connectionTimeoutMs: positive('SMTP_CONNECTION_TIMEOUT_MS', 5000),
  greetingTimeoutMs: positive('SMTP_GREETING_TIMEOUT_MS', 5000),
  socketTimeoutMs: positive('SMTP_SOCKET_TIMEOUT_MS', 15000),
}

export const databaseSettings = {
  /**
   * How long a request waits for a free pooled connection before it fails (our endpoints answer
   * 503 with a sentence; lib/db.ts says the same for Payload's routes) instead of queueing without
   * end behind requests stuck on a lock: a signup gets a definite answer before the site stops
   * waiting for it (SIGNUP_CMS_TIMEOUT_MS, 8 s).
   */
  poolWaitMs: positive('DATABASE_POOL_WAIT_MS', 5000),
  /** Pooled connections per process (the email delivery records' two lanes are outside the pool: jobs/sendEmail.ts). */
  poolSize: positive('DATABASE_POOL_SIZE', 10),
}
