import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "articles" ADD COLUMN "review_history" jsonb;
  ALTER TABLE "_articles_v" ADD COLUMN "version_review_history" jsonb;
  ALTER TABLE "reviewers" ADD COLUMN "registration_body" varchar;
  ALTER TABLE "reviewers" ADD COLUMN "registration_number" varchar;
  ALTER TABLE "reviewers" ADD COLUMN "verification_verified_at" timestamp(3) with time zone;
  ALTER TABLE "reviewers" ADD COLUMN "verification_verified_by_id" integer;
  ALTER TABLE "reviewers" ADD COLUMN "verification_expires_at" timestamp(3) with time zone;
  ALTER TABLE "reviewers" ADD CONSTRAINT "reviewers_verification_verified_by_id_users_id_fk" FOREIGN KEY ("verification_verified_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "reviewers_verification_verification_verified_by_idx" ON "reviewers" USING btree ("verification_verified_by_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "reviewers" DROP CONSTRAINT "reviewers_verification_verified_by_id_users_id_fk";
  
  DROP INDEX "reviewers_verification_verification_verified_by_idx";
  ALTER TABLE "articles" DROP COLUMN "review_history";
  ALTER TABLE "_articles_v" DROP COLUMN "version_review_history";
  ALTER TABLE "reviewers" DROP COLUMN "registration_body";
  ALTER TABLE "reviewers" DROP COLUMN "registration_number";
  ALTER TABLE "reviewers" DROP COLUMN "verification_verified_at";
  ALTER TABLE "reviewers" DROP COLUMN "verification_verified_by_id";
  ALTER TABLE "reviewers" DROP COLUMN "verification_expires_at";`)
}
