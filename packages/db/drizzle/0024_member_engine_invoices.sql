CREATE TABLE "member_engine_invoices" (
	"practice_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"invoice_id" text NOT NULL,
	"record" jsonb NOT NULL,
	"at" timestamp with time zone,
	CONSTRAINT "member_engine_invoices_pkey" PRIMARY KEY("practice_id","member_id","invoice_id")
);
--> statement-breakpoint
ALTER TABLE "member_engine_invoices" ADD CONSTRAINT "member_engine_invoices_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_engine_invoices" ADD CONSTRAINT "member_engine_invoices_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_engine_invoices_at_idx" ON "member_engine_invoices" USING btree ("practice_id","member_id","at") WHERE "member_engine_invoices"."at" is not null;--> statement-breakpoint
INSERT INTO "member_engine_invoices" ("practice_id", "member_id", "invoice_id", "record", "at")
SELECT s."practice_id", s."member_id", i.key, i.value,
       CASE WHEN jsonb_typeof(i.value->'at') = 'number' THEN to_timestamp((i.value->>'at')::double precision / 1000) END
FROM "member_engine_states" s, jsonb_each(CASE WHEN jsonb_typeof(s."state"->'invoices') = 'object' THEN s."state"->'invoices' ELSE '{}'::jsonb END) i
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "member_engine_states" SET "state" = jsonb_set("state", '{invoices}', '{}'::jsonb)
WHERE jsonb_typeof("state"->'invoices') = 'object' AND "state"->'invoices' <> '{}'::jsonb;
