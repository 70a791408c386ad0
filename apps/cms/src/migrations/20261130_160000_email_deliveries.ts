import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// One row per email the sendEmail job sends (its idempotency record, keyed by the job). Written
// outside any transaction just before and just after the SMTP hand-off, so a job taken up again
// after its worker died knows whether its email already left. Not a Payload collection: the jobs
// write it with single statements, and the desk shows its counts to admins.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    CREATE TABLE IF NOT EXISTS email_deliveries (
      key text PRIMARY KEY,
      job_id integer,
      kind text,
      recipient text,
      state text NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 1,
      resends_after_crash integer NOT NULL DEFAULT 0,
      claimed_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX IF NOT EXISTS email_deliveries_created_at_idx ON email_deliveries (created_at);
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS email_deliveries;`)
}
