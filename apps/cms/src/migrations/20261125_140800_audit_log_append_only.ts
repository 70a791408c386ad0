import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// The workflow history is append-only, below every API too: the database refuses to change or
// delete an entry (TRUNCATE included), whoever asks.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    CREATE OR REPLACE FUNCTION workflow_events_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'workflow_events is append-only: entries cannot be changed or deleted';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER workflow_events_no_update_delete
      BEFORE UPDATE OR DELETE ON workflow_events
      FOR EACH ROW EXECUTE FUNCTION workflow_events_append_only();
    CREATE TRIGGER workflow_events_no_truncate
      BEFORE TRUNCATE ON workflow_events
      FOR EACH STATEMENT EXECUTE FUNCTION workflow_events_append_only();
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
    DROP TRIGGER IF EXISTS workflow_events_no_update_delete ON workflow_events;
    DROP TRIGGER IF EXISTS workflow_events_no_truncate ON workflow_events;
    DROP FUNCTION IF EXISTS workflow_events_append_only();
  `)
}
