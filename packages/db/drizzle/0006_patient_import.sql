CREATE TYPE "public"."merge_suggestion_status" AS ENUM('open', 'merged', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."patient_import_status" AS ENUM('staged', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "merge_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"other_id" uuid NOT NULL,
	"pair_key" text NOT NULL,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"row" integer,
	"status" "merge_suggestion_status" DEFAULT 'open' NOT NULL,
	"retired_external_id" text,
	"survivor_id" uuid,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"csv" text NOT NULL,
	"mapping" jsonb,
	"status" "patient_import_status" DEFAULT 'staged' NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"last_error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_other_id_members_id_fk" FOREIGN KEY ("other_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_imports" ADD CONSTRAINT "patient_imports_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "merge_suggestions_pair_key" ON "merge_suggestions" USING btree ("practice_id","pair_key");--> statement-breakpoint
CREATE INDEX "merge_suggestions_open_idx" ON "merge_suggestions" USING btree ("practice_id","status");--> statement-breakpoint
CREATE INDEX "merge_suggestions_retired_idx" ON "merge_suggestions" USING btree ("practice_id","retired_external_id") WHERE "merge_suggestions"."retired_external_id" is not null;--> statement-breakpoint
CREATE INDEX "patient_imports_practice_idx" ON "patient_imports" USING btree ("practice_id");