import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Two-factor sign-in state (apps/cms/src/lib/secondFactor.ts). Not Payload collections: never
// shown or written through an API; one row per person, and one per session that passed.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    CREATE TABLE IF NOT EXISTS staff_second_factors (
      user_id integer PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      secret text,
      pending_secret text,
      enabled_at timestamptz,
      last_step bigint,
      recovery_code_hashes text[]
    );
    CREATE TABLE IF NOT EXISTS second_factor_sessions (
      sid text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      passed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS second_factor_sessions_user_idx ON second_factor_sessions (user_id);
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS second_factor_sessions; DROP TABLE IF EXISTS staff_second_factors;`)
}
