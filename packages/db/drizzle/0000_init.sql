CREATE TYPE "public"."program_status" AS ENUM('on', 'off', 'test');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('admin', 'team_member');--> statement-breakpoint
CREATE TABLE "locations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'America/Chicago' NOT NULL,
	"status" "program_status" DEFAULT 'test' NOT NULL,
	"program_description" text DEFAULT '' NOT NULL,
	"point_cost_centi_cents" integer DEFAULT 1000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "staff_role" DEFAULT 'team_member' NOT NULL,
	"password_hash" text NOT NULL,
	"must_change_password" boolean DEFAULT true NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"external_id" text,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text,
	"phone" text,
	"birthday" date,
	"card_number" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"registered" boolean DEFAULT false NOT NULL,
	"registered_at" timestamp with time zone,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "locations_practice_idx" ON "locations" USING btree ("practice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "practices_slug_key" ON "practices" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "staff_users_practice_idx" ON "staff_users" USING btree ("practice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_practice_email_key" ON "staff_users" USING btree ("practice_id","email");--> statement-breakpoint
CREATE INDEX "members_practice_idx" ON "members" USING btree ("practice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "members_practice_card_key" ON "members" USING btree ("practice_id","card_number");--> statement-breakpoint
CREATE UNIQUE INDEX "members_practice_external_key" ON "members" USING btree ("practice_id","external_id");--> statement-breakpoint
CREATE INDEX "members_practice_email_idx" ON "members" USING btree ("practice_id","email");--> statement-breakpoint
CREATE INDEX "members_practice_phone_idx" ON "members" USING btree ("practice_id","phone");