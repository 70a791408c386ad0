import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_staff_sign_ins_outcome" AS ENUM('signed_in', 'failed', 'throttled');
  CREATE TABLE "staff_sign_ins" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"user_id" integer,
  	"email" varchar NOT NULL,
  	"outcome" "enum_staff_sign_ins_outcome" NOT NULL,
  	"client_hash" varchar NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "staff_sign_ins_id" integer;
  ALTER TABLE "staff_sign_ins" ADD CONSTRAINT "staff_sign_ins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "staff_sign_ins_user_idx" ON "staff_sign_ins" USING btree ("user_id");
  CREATE INDEX "staff_sign_ins_email_idx" ON "staff_sign_ins" USING btree ("email");
  CREATE INDEX "staff_sign_ins_client_hash_idx" ON "staff_sign_ins" USING btree ("client_hash");
  CREATE INDEX "staff_sign_ins_updated_at_idx" ON "staff_sign_ins" USING btree ("updated_at");
  CREATE INDEX "staff_sign_ins_created_at_idx" ON "staff_sign_ins" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_staff_sign_ins_fk" FOREIGN KEY ("staff_sign_ins_id") REFERENCES "public"."staff_sign_ins"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_staff_sign_ins_id_idx" ON "payload_locked_documents_rels" USING btree ("staff_sign_ins_id");
  ALTER TABLE "users" DROP COLUMN "login_attempts";
  ALTER TABLE "users" DROP COLUMN "lock_until";`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "staff_sign_ins" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "staff_sign_ins" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_staff_sign_ins_fk";
  
  DROP INDEX "payload_locked_documents_rels_staff_sign_ins_id_idx";
  ALTER TABLE "users" ADD COLUMN "login_attempts" numeric DEFAULT 0;
  ALTER TABLE "users" ADD COLUMN "lock_until" timestamp(3) with time zone;
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "staff_sign_ins_id";
  DROP TYPE "public"."enum_staff_sign_ins_outcome";`)
}
