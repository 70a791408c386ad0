import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { postgresAdapter } from '@payloadcms/db-postgres'
import { nodemailerAdapter } from '@payloadcms/email-nodemailer'
import { buildConfig } from 'payload'

import { seoPlugin } from '@payloadcms/plugin-seo'
import { Articles } from './collections/Articles'
import { AuditLog } from './collections/AuditLog'
import { ReaderReports } from './collections/ReaderReports'
import { EditorialNotes } from './collections/EditorialNotes'
import { Topics } from './collections/Topics'
import { EditorialPolicy } from './globals/EditorialPolicy'
import { Reviewers } from './collections/Reviewers'
import { ReviewerPasskeys } from './collections/ReviewerPasskeys'
import { Sources } from './collections/Sources'
import { StaffSignIns } from './collections/StaffSignIns'
import { Subscribers } from './collections/Subscribers'
import { NewsletterIssues } from './collections/NewsletterIssues'
import { newsletterBatchTask, newsletterWatchTask } from './collections/NewsletterIssues/deliver'
import { newsletterTestTask } from './collections/NewsletterIssues/testSend'
import { NewsletterSuppressions, newsletterEvents } from './collections/NewsletterSuppressions'
import { Users } from './collections/Users'
import { WorkflowEvents } from './collections/WorkflowEvents'
import { admins, nobody } from './access'
import { isAdminUser } from './access/roles'
import { bodyEditor } from './editor'
import { NewsletterStats } from './globals/NewsletterStats'
import { pruneRateLimitsTask } from './jobs/pruneRateLimits'
import { reviewCadenceTask } from './jobs/reviewCadence'
import { emptyDraftsTask } from './jobs/emptyDrafts'
import { scheduledPublishTask } from './jobs/scheduledPublish'
import { revalidateSiteTask } from './lib/revalidate'
import { EMAIL_QUEUE, sendEmailTask } from './jobs/sendEmail'
import { startJobLeases, withLease } from './jobs/lease'
import { databaseSettings, jobSettings } from './jobs/settings'
import { smtpTransport } from './lib/smtp'
import { registerReplicas, replicaUrls } from './lib/replicas'
import { surfaceCommitFailures } from './lib/adapterTransactions'
import { databaseUnavailableAs503 } from './lib/db'
import { health } from './endpoints/health'
import { retryJob } from './endpoints/retryJob'
import { graphQLLimits } from './graphql/limits'
import { migrations } from './migrations'
import { seed } from './seed'

const dirname = path.dirname(fileURLToPath(import.meta.url))

export default buildConfig({
  serverURL: process.env.CMS_URL || '',
  admin: {
    user: Users.slug,
    importMap: { baseDir: dirname },
    meta: { titleSuffix: ' · Runsense CMS' },
    // No Gravatar: the admin must not call third-party hosts (and these machines cannot).
    avatar: 'default',
    components: {
      beforeNavLinks: ['/components/Desk#DeskNavLink'],
      // Staff land on their desk (what needs them now), not Payload's generic dashboard.
      // Sends a session that still needs its second factor to /second-factor (lib/secondFactor.ts).
      providers: ['/components/SecondFactorForm#SecondFactorGate'],
      views: {
        dashboard: { Component: '/components/Desk#DeskDashboard' },
        desk: { Component: '/components/Desk#Desk', path: '/desk' },
        secondFactor: { Component: '/components/SecondFactor#SecondFactorView', path: '/second-factor' },
      },
    },
  },
  collections: [
    Articles,
    Topics,
    Reviewers,
    Sources,
    Users,
    Subscribers,
    NewsletterIssues,
    NewsletterSuppressions,
    WorkflowEvents,
    EditorialNotes,
    AuditLog,
    ReaderReports,
    StaffSignIns,
    ReviewerPasskeys,
  ],
  globals: [EditorialPolicy, NewsletterStats],
  editor: bodyEditor,
  jobs: {
    // Every task runs under a lease (jobs/lease.ts): a job whose worker died is taken up again.
    tasks: [
      sendEmailTask,
      revalidateSiteTask,
      reviewCadenceTask,
      emptyDraftsTask,
      scheduledPublishTask,
      newsletterBatchTask,
      newsletterWatchTask,
      newsletterTestTask,
      pruneRateLimitsTask,
    ].map(withLease),
    deleteJobOnComplete: true,
    // Jobs hold email addresses: only staff who can see subscribers may look at the queue.
    access: { run: () => false, queue: () => false, cancel: ({ req }) => isAdminUser(req.user) },
    jobsCollectionOverrides: ({ defaultJobsCollection }) => ({
      ...defaultJobsCollection,
      access: { read: admins, create: nobody, update: nobody, delete: nobody },
    }),
    // A process that runs jobs (the CMS by default; with JOBS_AUTORUN=false on the API instances,
    // only the workers: `npm run worker`, src/worker.ts) runs queued jobs every second,
    // JOBS_BATCH_SIZE at a time in parallel (emails leave within ~1 s, retried on failure). A queue
    // starts no run while its last one is going, so emails (a run lasts at most the SMTP timeouts)
    // and newsletter issues (long sends) have queues of their own: neither holds up scheduled
    // publishing, the site's revalidations or each other. Any number of such processes: a claim
    // locks the rows it takes (patches/@payloadcms+drizzle+3.90.1.patch), so no job runs twice.
    // JOBS_AUTORUN=false also stops queueing scheduled jobs (schedules are handled by the workers).
    autoRun: () =>
      process.env.JOBS_AUTORUN === 'false'
        ? []
        : [
            { cron: '* * * * * *', limit: jobSettings.batchSize, queue: 'default' },
            { cron: '* * * * * *', limit: jobSettings.batchSize, queue: EMAIL_QUEUE },
            { cron: '* * * * * *', limit: 8, queue: 'newsletter' },
          ],
    shouldAutoRun: () => process.env.JOBS_AUTORUN !== 'false',
  },
  secret: process.env.PAYLOAD_SECRET || '',
  hooks: { afterError: [databaseUnavailableAs503] },
  typescript: {
    outputFile: path.resolve(dirname, '../../../packages/types/src/payload-types.ts'),
  },
  // A failed COMMIT fails the write (lib/adapterTransactions.ts), for every write path.
  db: surfaceCommitFailures(
    postgresAdapter({
      pool: { connectionString: process.env.DATABASE_URL || '', connectionTimeoutMillis: databaseSettings.poolWaitMs, max: databaseSettings.poolSize },
      // Reads outside transactions go to these when set (lib/replicas.ts says what stays on the primary).
      ...(replicaUrls().length ? { readReplicas: replicaUrls(), readReplicasAfterWriteInterval: Number(process.env.DATABASE_REPLICA_AFTER_WRITE_MS) || 2000 } : {}),
      // Schema changes go through committed migrations only, never dev "push" (a database push
      // mode touched makes a later `payload migrate` stop at an interactive prompt).
      push: false,
      migrationDir: path.resolve(dirname, 'migrations'),
      prodMigrations: migrations,
    }),
  ),
  email: process.env.SMTP_URL
    ? nodemailerAdapter({
        defaultFromAddress: process.env.EMAIL_FROM || 'guides@runsense.local',
        defaultFromName: 'Runsense',
        // Waits of seconds, not minutes: a hung SMTP server never stalls the queue (lib/smtp.ts).
        transport: smtpTransport(process.env.SMTP_URL),
      })
    : undefined,
  // Depth and cost limits: no query may ask for an unbounded amount of work (see the file).
  graphQL: { disablePlaygroundInProduction: true, validationRules: graphQLLimits },
  cors: [process.env.SITE_URL || 'http://localhost:3000'],
  csrf: [process.env.SITE_URL || 'http://localhost:3000', process.env.CMS_URL || 'http://localhost:3001'],
  endpoints: [health, newsletterEvents, retryJob],
  // `npm start` asks for demo content; seeding is idempotent, so a restart changes nothing.
  onInit: async (payload) => {
    // An idle connection dropped by Postgres (restart, failover) must not crash the process (57P01).
    const pool = (payload.db as unknown as { pool?: { on: (e: 'error', fn: (err: Error) => void) => void } }).pool
    pool?.on('error', (err) => payload.logger.warn(`Postgres dropped an idle connection: ${err.message}`))
    registerReplicas(payload)
    if (process.env.SEED_DEMO_CONTENT === 'true') await seed(payload)
    if (process.env.JOBS_AUTORUN !== 'false') startJobLeases(payload)
  },
  plugins: [
    // Search-engine title and description per guide; part of the reviewed content (hashed).
    seoPlugin({
      collections: ['articles'],
      tabbedUI: false,
      generateTitle: ({ doc }) => `${(doc as { title?: string }).title ?? ''} · Runsense`,
      generateDescription: ({ doc }) => (doc as { summary?: string }).summary ?? '',
    }),
  ],
  telemetry: false,
})
