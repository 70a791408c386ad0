import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'
import { sourceLabel, type SourceData } from '@runsense/domain/sources'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TYPE "public"."enum_workflow_events_action" ADD VALUE 'discard_changes' BEFORE 'sign_off_voided';
  ALTER TYPE "public"."enum_workflow_events_action" ADD VALUE 'signed_text_restored' BEFORE 'import';
  ALTER TYPE "public"."enum_payload_jobs_log_task_slug" ADD VALUE 'emptyDrafts' BEFORE 'scheduledPublish';
  ALTER TYPE "public"."enum_payload_jobs_task_slug" ADD VALUE 'emptyDrafts' BEFORE 'scheduledPublish';
  ALTER TABLE "sources" ADD COLUMN "label" varchar;
  CREATE INDEX "sources_label_idx" ON "sources" USING btree ("label");`)
  // Existing sources get the label their next save would write (what the source picker shows and searches).
  const { docs } = await payload.find({ collection: 'sources', depth: 0, pagination: false, overrideAccess: true, req })
  for (const s of docs) await db.execute(sql`UPDATE "sources" SET "label" = ${sourceLabel(s as SourceData)} WHERE "id" = ${s.id}`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "workflow_events" ALTER COLUMN "action" SET DATA TYPE text;
  DROP TYPE "public"."enum_workflow_events_action";
  CREATE TYPE "public"."enum_workflow_events_action" AS ENUM('submit', 'request_changes', 'send_to_medical_review', 'sign_off', 'publish', 'schedule_publish', 'unpublish', 'archive', 'start_review', 'restore', 'sign_off_voided', 'returned_to_editorial_review', 'import', 'note', 'delete');
  ALTER TABLE "workflow_events" ALTER COLUMN "action" SET DATA TYPE "public"."enum_workflow_events_action" USING "action"::"public"."enum_workflow_events_action";
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_log_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_log_task_slug" AS ENUM('inline', 'sendEmail', 'reviewCadence', 'scheduledPublish', 'newsletterBatch', 'newsletterWatch', 'newsletterTest');
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_log_task_slug" USING "task_slug"::"public"."enum_payload_jobs_log_task_slug";
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_task_slug" AS ENUM('inline', 'sendEmail', 'reviewCadence', 'scheduledPublish', 'newsletterBatch', 'newsletterWatch', 'newsletterTest');
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_task_slug" USING "task_slug"::"public"."enum_payload_jobs_task_slug";
  DROP INDEX "sources_label_idx";
  ALTER TABLE "sources" DROP COLUMN "label";`)
}
