import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_audit_log_action" AS ENUM('create', 'update', 'delete');
  ALTER TYPE "public"."enum_workflow_events_action" ADD VALUE 'start_review' BEFORE 'sign_off_voided';
  ALTER TYPE "public"."enum_workflow_events_action" ADD VALUE 'returned_to_editorial_review' BEFORE 'import';
  CREATE TABLE "audit_log" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"entity" varchar NOT NULL,
  	"entity_id" numeric NOT NULL,
  	"action" "enum_audit_log_action" NOT NULL,
  	"summary" varchar NOT NULL,
  	"changes" jsonb,
  	"actor" numeric,
  	"actor_name" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "articles" ADD COLUMN "cited_sources" jsonb;
  ALTER TABLE "_articles_v" ADD COLUMN "version_cited_sources" jsonb;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "audit_log_id" integer;
  CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity");
  CREATE INDEX "audit_log_entity_id_idx" ON "audit_log" USING btree ("entity_id");
  CREATE INDEX "audit_log_updated_at_idx" ON "audit_log" USING btree ("updated_at");
  CREATE INDEX "audit_log_created_at_idx" ON "audit_log" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_audit_log_fk" FOREIGN KEY ("audit_log_id") REFERENCES "public"."audit_log"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_audit_log_id_idx" ON "payload_locked_documents_rels" USING btree ("audit_log_id");`)
  // The audit log is append-only below every API too, like the workflow history.
  await db.execute(sql`
    CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: entries cannot be changed or deleted';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log;
  DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
  DROP FUNCTION IF EXISTS audit_log_append_only();
   ALTER TABLE "audit_log" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "audit_log" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_audit_log_fk";
  
  ALTER TABLE "workflow_events" ALTER COLUMN "action" SET DATA TYPE text;
  DROP TYPE "public"."enum_workflow_events_action";
  CREATE TYPE "public"."enum_workflow_events_action" AS ENUM('submit', 'request_changes', 'send_to_medical_review', 'sign_off', 'publish', 'schedule_publish', 'unpublish', 'archive', 'sign_off_voided', 'import', 'note', 'delete');
  ALTER TABLE "workflow_events" ALTER COLUMN "action" SET DATA TYPE "public"."enum_workflow_events_action" USING "action"::"public"."enum_workflow_events_action";
  DROP INDEX "payload_locked_documents_rels_audit_log_id_idx";
  ALTER TABLE "articles" DROP COLUMN "cited_sources";
  ALTER TABLE "_articles_v" DROP COLUMN "version_cited_sources";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "audit_log_id";
  DROP TYPE "public"."enum_audit_log_action";`)
}
