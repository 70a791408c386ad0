import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_newsletter_issues_status" AS ENUM('draft', 'scheduled', 'sending', 'sent', 'cancelled');
  CREATE TYPE "public"."enum_newsletter_suppressions_reason" AS ENUM('hard_bounce', 'complaint', 'soft_bounce', 'erased');
  ALTER TYPE "public"."enum_payload_jobs_log_task_slug" ADD VALUE 'newsletterBatch';
  ALTER TYPE "public"."enum_payload_jobs_log_task_slug" ADD VALUE 'newsletterWatch';
  ALTER TYPE "public"."enum_payload_jobs_log_task_slug" ADD VALUE 'newsletterTest';
  ALTER TYPE "public"."enum_payload_jobs_task_slug" ADD VALUE 'newsletterBatch';
  ALTER TYPE "public"."enum_payload_jobs_task_slug" ADD VALUE 'newsletterWatch';
  ALTER TYPE "public"."enum_payload_jobs_task_slug" ADD VALUE 'newsletterTest';
  CREATE TABLE "newsletter_issues_log" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"action" varchar NOT NULL,
  	"by" numeric,
  	"by_email" varchar,
  	"at" timestamp(3) with time zone NOT NULL,
  	"detail" varchar
  );
  
  CREATE TABLE "newsletter_issues" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"subject" varchar NOT NULL,
  	"slug" varchar NOT NULL,
  	"preheader" varchar,
  	"intro" varchar,
  	"featured_guide_id" integer,
  	"status" "enum_newsletter_issues_status" DEFAULT 'draft' NOT NULL,
  	"scheduled_for" timestamp(3) with time zone,
  	"scheduled_by" numeric,
  	"started_at" timestamp(3) with time zone,
  	"sent_at" timestamp(3) with time zone,
  	"recipients" numeric,
  	"content" jsonb,
  	"rendered" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "newsletter_issues_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"articles_id" integer
  );
  
  CREATE TABLE "newsletter_suppressions" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"email_hash" varchar NOT NULL,
  	"email" varchar,
  	"reason" "enum_newsletter_suppressions_reason" NOT NULL,
  	"at" timestamp(3) with time zone NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "newsletter_issues_id" integer;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "newsletter_suppressions_id" integer;
  ALTER TABLE "newsletter_issues_log" ADD CONSTRAINT "newsletter_issues_log_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."newsletter_issues"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "newsletter_issues" ADD CONSTRAINT "newsletter_issues_featured_guide_id_articles_id_fk" FOREIGN KEY ("featured_guide_id") REFERENCES "public"."articles"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "newsletter_issues_rels" ADD CONSTRAINT "newsletter_issues_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."newsletter_issues"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "newsletter_issues_rels" ADD CONSTRAINT "newsletter_issues_rels_articles_fk" FOREIGN KEY ("articles_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "newsletter_issues_log_order_idx" ON "newsletter_issues_log" USING btree ("_order");
  CREATE INDEX "newsletter_issues_log_parent_id_idx" ON "newsletter_issues_log" USING btree ("_parent_id");
  CREATE UNIQUE INDEX "newsletter_issues_slug_idx" ON "newsletter_issues" USING btree ("slug");
  CREATE INDEX "newsletter_issues_featured_guide_idx" ON "newsletter_issues" USING btree ("featured_guide_id");
  CREATE INDEX "newsletter_issues_status_idx" ON "newsletter_issues" USING btree ("status");
  CREATE INDEX "newsletter_issues_updated_at_idx" ON "newsletter_issues" USING btree ("updated_at");
  CREATE INDEX "newsletter_issues_created_at_idx" ON "newsletter_issues" USING btree ("created_at");
  CREATE INDEX "newsletter_issues_rels_order_idx" ON "newsletter_issues_rels" USING btree ("order");
  CREATE INDEX "newsletter_issues_rels_parent_idx" ON "newsletter_issues_rels" USING btree ("parent_id");
  CREATE INDEX "newsletter_issues_rels_path_idx" ON "newsletter_issues_rels" USING btree ("path");
  CREATE INDEX "newsletter_issues_rels_articles_id_idx" ON "newsletter_issues_rels" USING btree ("articles_id");
  CREATE UNIQUE INDEX "newsletter_suppressions_email_hash_idx" ON "newsletter_suppressions" USING btree ("email_hash");
  CREATE INDEX "newsletter_suppressions_updated_at_idx" ON "newsletter_suppressions" USING btree ("updated_at");
  CREATE INDEX "newsletter_suppressions_created_at_idx" ON "newsletter_suppressions" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_newsletter_issues_fk" FOREIGN KEY ("newsletter_issues_id") REFERENCES "public"."newsletter_issues"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_newsletter_suppressions_fk" FOREIGN KEY ("newsletter_suppressions_id") REFERENCES "public"."newsletter_suppressions"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_newsletter_issues_id_idx" ON "payload_locked_documents_rels" USING btree ("newsletter_issues_id");
  CREATE INDEX "payload_locked_documents_rels_newsletter_suppressions_id_idx" ON "payload_locked_documents_rels" USING btree ("newsletter_suppressions_id");`)

  // Delivery rows: one per recipient per issue, written and claimed only by raw SQL
  // (collections/NewsletterIssues/deliver.ts), so not a Payload collection: no admin view, no
  // REST, and no ORM overhead at 50,000 rows a send.
  await db.execute(sql`
  CREATE TABLE "newsletter_deliveries" (
    "id" bigserial PRIMARY KEY,
    "issue_id" integer NOT NULL REFERENCES "newsletter_issues"("id") ON DELETE CASCADE,
    -- Erasing a subscriber keeps the anonymous row (it counts in the issue's progress).
    "subscriber_id" integer REFERENCES "subscribers"("id") ON DELETE SET NULL,
    "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'claimed', 'sent', 'failed', 'suppressed', 'cancelled')),
    "attempts" integer NOT NULL DEFAULT 0,
    -- Claimed again after a lease ran out: the only rows that may have been sent twice.
    "reclaimed" boolean NOT NULL DEFAULT false,
    "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
    "lease_until" timestamptz,
    "smtp_response" text,
    "message_id" text,
    "sent_at" timestamptz,
    "created_at" timestamptz NOT NULL DEFAULT now(),
    UNIQUE ("issue_id", "subscriber_id")
  );
  -- What the claim scans: only rows still waiting or in flight, in id order.
  CREATE INDEX "newsletter_deliveries_waiting_idx" ON "newsletter_deliveries" ("issue_id", "id") WHERE "status" IN ('queued', 'claimed');
  CREATE INDEX "newsletter_deliveries_subscriber_idx" ON "newsletter_deliveries" ("subscriber_id");
  `)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS "newsletter_deliveries";`)
  await db.execute(sql`
   ALTER TABLE "newsletter_issues_log" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "newsletter_issues" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "newsletter_issues_rels" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "newsletter_suppressions" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "newsletter_issues_log" CASCADE;
  DROP TABLE "newsletter_issues" CASCADE;
  DROP TABLE "newsletter_issues_rels" CASCADE;
  DROP TABLE "newsletter_suppressions" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_newsletter_issues_fk";
  
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_newsletter_suppressions_fk";
  
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_log_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_log_task_slug" AS ENUM('inline', 'sendEmail', 'reviewCadence', 'scheduledPublish');
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_log_task_slug" USING "task_slug"::"public"."enum_payload_jobs_log_task_slug";
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_task_slug" AS ENUM('inline', 'sendEmail', 'reviewCadence', 'scheduledPublish');
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_task_slug" USING "task_slug"::"public"."enum_payload_jobs_task_slug";
  DROP INDEX "payload_locked_documents_rels_newsletter_issues_id_idx";
  DROP INDEX "payload_locked_documents_rels_newsletter_suppressions_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "newsletter_issues_id";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "newsletter_suppressions_id";
  DROP TYPE "public"."enum_newsletter_issues_status";
  DROP TYPE "public"."enum_newsletter_suppressions_reason";`)
}
