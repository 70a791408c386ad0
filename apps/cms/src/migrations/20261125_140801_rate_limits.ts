import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Fixed-window rate-limit counters shared by every app instance (signups). Not a Payload
// collection: it is written by one atomic upsert per check and never shown in the admin.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    CREATE TABLE IF NOT EXISTS rate_limits (
      key text NOT NULL,
      window_start timestamptz NOT NULL,
      count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (key, window_start)
    );
    CREATE INDEX IF NOT EXISTS rate_limits_window_start_idx ON rate_limits (window_start);
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS rate_limits;`)
}
