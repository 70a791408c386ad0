import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TABLE "reviewer_passkeys" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"name" varchar NOT NULL,
  	"credential_id" varchar NOT NULL,
  	"public_key" varchar NOT NULL,
  	"jwk" jsonb NOT NULL,
  	"algorithm" numeric NOT NULL,
  	"counter" numeric DEFAULT 0,
  	"transports" jsonb,
  	"user_id" integer,
  	"reviewer_id" integer,
  	"added_at" timestamp(3) with time zone NOT NULL,
  	"last_used_at" timestamp(3) with time zone,
  	"retired_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "articles" ADD COLUMN "sign_off_signature" jsonb;
  ALTER TABLE "_articles_v" ADD COLUMN "version_sign_off_signature" jsonb;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "reviewer_passkeys_id" integer;
  ALTER TABLE "reviewer_passkeys" ADD CONSTRAINT "reviewer_passkeys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "reviewer_passkeys" ADD CONSTRAINT "reviewer_passkeys_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE set null ON UPDATE no action;
  CREATE UNIQUE INDEX "reviewer_passkeys_credential_id_idx" ON "reviewer_passkeys" USING btree ("credential_id");
  CREATE INDEX "reviewer_passkeys_user_idx" ON "reviewer_passkeys" USING btree ("user_id");
  CREATE INDEX "reviewer_passkeys_reviewer_idx" ON "reviewer_passkeys" USING btree ("reviewer_id");
  CREATE INDEX "reviewer_passkeys_updated_at_idx" ON "reviewer_passkeys" USING btree ("updated_at");
  CREATE INDEX "reviewer_passkeys_created_at_idx" ON "reviewer_passkeys" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_reviewer_passkeys_fk" FOREIGN KEY ("reviewer_passkeys_id") REFERENCES "public"."reviewer_passkeys"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_reviewer_passkeys_id_idx" ON "payload_locked_documents_rels" USING btree ("reviewer_passkeys_id");`)
  await db.execute(sql`
    -- WebAuthn challenges (apps/cms/src/lib/passkeys.ts): single use (deleted by the check that
    -- uses one) and short-lived. Not a Payload collection: never shown or written through an API.
    CREATE TABLE IF NOT EXISTS webauthn_challenges (
      challenge text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('register', 'sign_off', 'session')),
      guide_id integer,
      canonical text,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS webauthn_challenges_expires_idx ON webauthn_challenges (expires_at);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS webauthn_challenges;`)
  await db.execute(sql`
   ALTER TABLE "reviewer_passkeys" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "reviewer_passkeys" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_reviewer_passkeys_fk";
  
  DROP INDEX "payload_locked_documents_rels_reviewer_passkeys_id_idx";
  ALTER TABLE "articles" DROP COLUMN "sign_off_signature";
  ALTER TABLE "_articles_v" DROP COLUMN "version_sign_off_signature";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "reviewer_passkeys_id";`)
}
