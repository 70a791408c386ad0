import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// The cited sources as signed, kept with each sign-off (signOff.sources): what the reviewer's diff
// compares a changed source with. Sign-offs made before have none; their diff shows the text only.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    ALTER TABLE "articles" ADD COLUMN "sign_off_sources" jsonb;
    ALTER TABLE "_articles_v" ADD COLUMN "version_sign_off_sources" jsonb;`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
    ALTER TABLE "articles" DROP COLUMN "sign_off_sources";
    ALTER TABLE "_articles_v" DROP COLUMN "version_sign_off_sources";`)
}
