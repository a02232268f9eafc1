CREATE TABLE "member_engine_counters" (
	"practice_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"period" text NOT NULL,
	"value" integer NOT NULL,
	CONSTRAINT "member_engine_counters_pkey" PRIMARY KEY("practice_id","member_id","kind","key")
);
--> statement-breakpoint
ALTER TABLE "member_engine_counters" ADD CONSTRAINT "member_engine_counters_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_engine_counters" ADD CONSTRAINT "member_engine_counters_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_engine_counters_period_idx" ON "member_engine_counters" USING btree ("practice_id","member_id","period");--> statement-breakpoint
INSERT INTO "member_engine_counters" ("practice_id", "member_id", "kind", "key", "period", "value")
SELECT x."practice_id", x."member_id", x."kind", x."key", x."period", x."value"
FROM (
  SELECT s."practice_id", s."member_id", c.kind, e.key, p.period, (e.value #>> '{}')::integer AS value,
         row_number() OVER (PARTITION BY s."practice_id", s."member_id", c.kind, left(e.key, length(e.key) - length(p.period) - 1) ORDER BY p.period DESC) AS n
  FROM "member_engine_states" s
  CROSS JOIN LATERAL (VALUES ('limit', s."state"->'limits'), ('cap', s."state"->'caps')) c(kind, counts)
  CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(c.counts) = 'object' THEN c.counts ELSE '{}'::jsonb END) e
  CROSS JOIN LATERAL (SELECT substring(e.key FROM '\|((?:\d{4}(?:-\d{2}(?:-\d{2})?)?)|(?:week of \d{4}-\d{2}-\d{2}))$') AS period) p
  WHERE p.period IS NOT NULL AND jsonb_typeof(e.value) = 'number'
) x
WHERE x.n > 1
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "member_engine_states" s SET "state" = s."state"
  || jsonb_build_object('limits', (s."state"->'limits') - coalesce(
       (SELECT array_agg(c."key") FROM "member_engine_counters" c WHERE c."practice_id" = s."practice_id" AND c."member_id" = s."member_id" AND c."kind" = 'limit'), '{}'::text[]))
  || CASE WHEN jsonb_typeof(s."state"->'caps') = 'object' THEN jsonb_build_object('caps', (s."state"->'caps') - coalesce(
       (SELECT array_agg(c."key") FROM "member_engine_counters" c WHERE c."practice_id" = s."practice_id" AND c."member_id" = s."member_id" AND c."kind" = 'cap'), '{}'::text[])) ELSE '{}'::jsonb END
WHERE EXISTS (SELECT 1 FROM "member_engine_counters" c WHERE c."practice_id" = s."practice_id" AND c."member_id" = s."member_id");
