import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_reader_reports_status" AS ENUM('open', 'closed');
  CREATE TYPE "public"."enum_reader_reports_outcome" AS ENUM('no_change', 'corrected');
  CREATE TABLE "reader_reports" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"article_id" integer NOT NULL,
  	"guide_slug" varchar,
  	"message" varchar NOT NULL,
  	"email" varchar,
  	"status" "enum_reader_reports_status" DEFAULT 'open',
  	"outcome" "enum_reader_reports_outcome",
  	"correction_note" varchar,
  	"closed_by_id" integer,
  	"closed_at" timestamp(3) with time zone,
  	"replied_at" timestamp(3) with time zone,
  	"ip_hash" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "reader_reports_id" integer;
  ALTER TABLE "reader_reports" ADD CONSTRAINT "reader_reports_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "reader_reports" ADD CONSTRAINT "reader_reports_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "reader_reports_article_idx" ON "reader_reports" USING btree ("article_id");
  CREATE INDEX "reader_reports_status_idx" ON "reader_reports" USING btree ("status");
  CREATE INDEX "reader_reports_closed_by_idx" ON "reader_reports" USING btree ("closed_by_id");
  CREATE INDEX "reader_reports_updated_at_idx" ON "reader_reports" USING btree ("updated_at");
  CREATE INDEX "reader_reports_created_at_idx" ON "reader_reports" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_reader_reports_fk" FOREIGN KEY ("reader_reports_id") REFERENCES "public"."reader_reports"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_reader_reports_id_idx" ON "payload_locked_documents_rels" USING btree ("reader_reports_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "reader_reports" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "reader_reports" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_reader_reports_fk";
  
  DROP INDEX "payload_locked_documents_rels_reader_reports_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "reader_reports_id";
  DROP TYPE "public"."enum_reader_reports_status";
  DROP TYPE "public"."enum_reader_reports_outcome";`)
}
