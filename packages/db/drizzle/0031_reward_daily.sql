CREATE TABLE "reward_daily" (
	"practice_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reward_name" text DEFAULT '' NOT NULL,
	"reward_kind" text DEFAULT '' NOT NULL,
	"orders" bigint DEFAULT 0 NOT NULL,
	"points" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "reward_daily_practice_id_day_reward_name_reward_kind_pk" PRIMARY KEY("practice_id","day","reward_name","reward_kind")
);
--> statement-breakpoint
ALTER TABLE "reward_daily" ADD CONSTRAINT "reward_daily_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Redemptions by reward per local day: a deferred trigger, so it runs at commit, when the order the
-- entry names (written after its redemption entry, in the same transaction) is there to read.
CREATE FUNCTION "ledger_reward_daily"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reward_daily (practice_id, day, reward_name, reward_kind, orders, points)
  SELECT NEW.practice_id, (NEW.at AT TIME ZONE p.timezone)::date, coalesce(o.reward_name, ''), coalesce(o.reward_kind::text, ''),
         CASE WHEN NEW.kind = 'redemption' THEN 1 ELSE -1 END, NEW.points
  FROM practices p LEFT JOIN orders o ON o.id = NEW.order_id
  WHERE p.id = NEW.practice_id
  ON CONFLICT (practice_id, day, reward_name, reward_kind)
  DO UPDATE SET orders = reward_daily.orders + excluded.orders, points = reward_daily.points + excluded.points;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "ledger_reward_daily" AFTER INSERT ON "ledger_entries" DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.kind IN ('redemption', 'refund')) EXECUTE FUNCTION "ledger_reward_daily"();--> statement-breakpoint
-- One practice's rows recomputed from its ledger (the backfill, and after a change of timezone).
CREATE FUNCTION "reward_daily_rebuild"(pid uuid) RETURNS void LANGUAGE sql AS $$
  DELETE FROM reward_daily WHERE practice_id = pid;
  INSERT INTO reward_daily (practice_id, day, reward_name, reward_kind, orders, points)
  SELECT e.practice_id, (e.at AT TIME ZONE p.timezone)::date, coalesce(o.reward_name, ''), coalesce(o.reward_kind::text, ''),
         count(*) FILTER (WHERE e.kind = 'redemption') - count(*) FILTER (WHERE e.kind = 'refund'), sum(e.points)
  FROM ledger_entries e JOIN practices p ON p.id = e.practice_id LEFT JOIN orders o ON o.id = e.order_id
  WHERE e.practice_id = pid AND e.kind IN ('redemption', 'refund')
  GROUP BY 1, 2, 3, 4;
$$;--> statement-breakpoint
SELECT "reward_daily_rebuild"("id") FROM "practices";
