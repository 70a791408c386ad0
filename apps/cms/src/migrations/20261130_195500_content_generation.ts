import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// One counter that moves whenever anything an anonymous reader can be shown changes, in the
// writing transaction itself (apps/cms/read-cache.mjs keys its answers by it). The tables are
// those of apps/cms/src/lib/contentTables.ts as of this migration; a table added later gets the
// trigger in its own migration (tests/int/read-cache.int.test.ts fails until it does).
const TABLES = ['articles', 'articles_rels', 'reviewers', 'topics', 'sources', 'sources_texts', 'newsletter_issues', 'newsletter_issues_rels', 'editorial_policy', 'reviewer_passkeys']

export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    CREATE TABLE IF NOT EXISTS runsense_content_generation (
      id integer PRIMARY KEY CHECK (id = 1),
      gen bigint NOT NULL
    );
    INSERT INTO runsense_content_generation (id, gen) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
    CREATE OR REPLACE FUNCTION runsense_bump_content_generation() RETURNS trigger AS $$
    BEGIN
      UPDATE runsense_content_generation SET gen = gen + 1 WHERE id = 1;
      RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
  `)
  for (const table of TABLES) {
    await db.execute(
      sql.raw(`CREATE TRIGGER runsense_content_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
               FOR EACH STATEMENT EXECUTE FUNCTION runsense_bump_content_generation();`),
    )
  }
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  for (const table of TABLES) await db.execute(sql.raw(`DROP TRIGGER IF EXISTS runsense_content_generation ON "${table}";`))
  await db.execute(sql`
    DROP FUNCTION IF EXISTS runsense_bump_content_generation();
    DROP TABLE IF EXISTS runsense_content_generation;
  `)
}
