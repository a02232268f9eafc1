CREATE TABLE "member_engine_marks" (
	"practice_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"event" text,
	"at" timestamp with time zone NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "member_engine_marks_pkey" PRIMARY KEY("practice_id","member_id","kind","key")
);
--> statement-breakpoint
ALTER TABLE "member_engine_marks" ADD CONSTRAINT "member_engine_marks_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_engine_marks" ADD CONSTRAINT "member_engine_marks_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_engine_marks_at_idx" ON "member_engine_marks" USING btree ("practice_id","member_id","at");--> statement-breakpoint
CREATE INDEX "member_engine_marks_event_idx" ON "member_engine_marks" USING btree ("practice_id","member_id","event") WHERE "member_engine_marks"."event" is not null;--> statement-breakpoint
INSERT INTO "member_engine_marks" ("practice_id", "member_id", "kind", "key", "event", "at", "value")
SELECT s."practice_id", s."member_id", 'points',
       (a.e->>'event') || '|' || (row_number() OVER (PARTITION BY s."practice_id", s."member_id", a.e->>'event', a.e->>'rule' ORDER BY a.i) - 1) || '|' || (a.e->>'rule'),
       a.e->>'event',
       'epoch'::timestamptz + ((a.e->>'at')::numeric::bigint) * interval '1 millisecond',
       (a.e->>'points')::numeric::bigint
FROM "member_engine_states" s
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s."state"->'tierAwards') = 'array' THEN s."state"->'tierAwards' ELSE '[]'::jsonb END) WITH ORDINALITY a(e, i)
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "member_engine_marks" ("practice_id", "member_id", "kind", "key", "event", "at", "value")
SELECT s."practice_id", s."member_id", 'visit', v.ms::text, NULL, 'epoch'::timestamptz + v.ms * interval '1 millisecond', count(*)
FROM "member_engine_states" s
CROSS JOIN LATERAL (SELECT (x #>> '{}')::numeric::bigint AS ms
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s."state"->'visitTimes') = 'array' THEN s."state"->'visitTimes' ELSE '[]'::jsonb END) x) v
GROUP BY s."practice_id", s."member_id", v.ms
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "member_engine_states" SET "state" = "state" - 'tierAwards' - 'visitTimes'
WHERE "state" ? 'tierAwards' OR "state" ? 'visitTimes';
