CREATE TABLE "ledger_daily" (
	"practice_id" uuid NOT NULL,
	"day" date NOT NULL,
	"kind" "ledger_entry_kind" NOT NULL,
	"rule_name" text DEFAULT '' NOT NULL,
	"points" bigint DEFAULT 0 NOT NULL,
	"entries" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ledger_daily_practice_id_day_kind_rule_name_pk" PRIMARY KEY("practice_id","day","kind","rule_name")
);
--> statement-breakpoint
CREATE TABLE "ledger_days" (
	"practice_id" uuid NOT NULL,
	"day" date NOT NULL,
	"members" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ledger_days_practice_id_day_pk" PRIMARY KEY("practice_id","day")
);
--> statement-breakpoint
ALTER TABLE "ledger_daily" ADD CONSTRAINT "ledger_daily_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_days" ADD CONSTRAINT "ledger_days_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
INSERT INTO "ledger_daily" ("practice_id", "day", "kind", "rule_name", "points", "entries")
SELECT e."practice_id", (e."at" AT TIME ZONE p."timezone")::date, e."kind", coalesce(e."rule_name", ''), sum(e."points"), count(*)
FROM "ledger_entries" e JOIN "practices" p ON p."id" = e."practice_id"
GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "ledger_days" ("practice_id", "day", "members")
SELECT e."practice_id", (e."at" AT TIME ZONE p."timezone")::date, count(DISTINCT e."member_id")
FROM "ledger_entries" e JOIN "practices" p ON p."id" = e."practice_id"
GROUP BY 1, 2;
