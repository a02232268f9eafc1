CREATE TABLE "text_translations" (
	"practice_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"key" text NOT NULL,
	"field" text NOT NULL,
	"locale" text NOT NULL,
	"text" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "text_translations_practice_id_subject_key_field_locale_pk" PRIMARY KEY("practice_id","subject","key","field","locale")
);
--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "text_translations" ADD CONSTRAINT "text_translations_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "text_translations_practice_locale_idx" ON "text_translations" USING btree ("practice_id","locale");