CREATE TABLE "activity_counts" (
	"practice_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"day" date NOT NULL,
	"days" bigint DEFAULT 0 NOT NULL,
	"prevs" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_counts_practice_id_scope_day_pk" PRIMARY KEY("practice_id","scope","day")
);
--> statement-breakpoint
CREATE TABLE "activity_days" (
	"practice_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"member_id" uuid NOT NULL,
	"day" date NOT NULL,
	"prev" date NOT NULL,
	CONSTRAINT "activity_days_practice_id_scope_member_id_day_pk" PRIMARY KEY("practice_id","scope","member_id","day")
);
--> statement-breakpoint
ALTER TABLE "activity_counts" ADD CONSTRAINT "activity_counts_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_days" ADD CONSTRAINT "activity_days_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_days_scope_day_idx" ON "activity_days" USING btree ("practice_id","scope","day","prev");--> statement-breakpoint
-- New activity days (practice, scope, member, local day) of one statement, in one statement: each
-- not yet held is inserted with its previous day, and the day after it (if the new one is late)
-- re-pointed to it; activity_counts moves by the same (days +1 on the day; prevs moved from each
-- row's old previous day to its new one). Only the days around the new ones are read: a new day's
-- previous is the last of (its existing predecessor, new days before it); an existing successor's
-- previous is the last of (its own predecessor, which is the new day's, and the new days before
-- it). Writers hold the members' balance rows (lockBalances) first, so two transactions never
-- change one member's days at once.
CREATE FUNCTION "activity_add"(ps uuid[], ss text[], ms uuid[], ds date[]) RETURNS void LANGUAGE sql AS $$
  WITH k AS (
    SELECT DISTINCT u.practice_id, u.scope, u.member_id, u.day FROM unnest(ps, ss, ms, ds) AS u(practice_id, scope, member_id, day)
    WHERE NOT EXISTS (SELECT 1 FROM activity_days a
                      WHERE a.practice_id = u.practice_id AND a.scope = u.scope AND a.member_id = u.member_id AND a.day = u.day)
  ),
  nb AS (
    SELECT k.*,
      (SELECT max(a.day) FROM activity_days a
       WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day < k.day) AS pred,
      (SELECT min(a.day) FROM activity_days a
       WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day > k.day) AS succ
    FROM k
  ),
  ex AS (
    SELECT a.practice_id, a.scope, a.member_id, a.day, a.prev AS old_prev, bool_or(x.is_succ) AS is_succ
    FROM (SELECT practice_id, scope, member_id, pred AS day, false AS is_succ FROM nb WHERE pred IS NOT NULL
          UNION ALL SELECT practice_id, scope, member_id, succ, true FROM nb WHERE succ IS NOT NULL) x
    JOIN activity_days a ON a.practice_id = x.practice_id AND a.scope = x.scope AND a.member_id = x.member_id AND a.day = x.day
    GROUP BY 1, 2, 3, 4, 5
  ),
  chain AS (
    SELECT y.*, coalesce(lag(y.day) OVER (PARTITION BY y.practice_id, y.scope, y.member_id ORDER BY y.day), '-infinity'::date) AS want
    FROM (SELECT practice_id, scope, member_id, day, true AS is_new, false AS is_succ, NULL::date AS old_prev FROM k
          UNION ALL SELECT practice_id, scope, member_id, day, false, is_succ, old_prev FROM ex) y
  ),
  ins AS (
    INSERT INTO activity_days (practice_id, scope, member_id, day, prev)
    SELECT practice_id, scope, member_id, day, want FROM chain WHERE is_new
  ),
  upd AS (
    UPDATE activity_days a SET prev = c.want FROM chain c
    WHERE c.is_succ AND c.want <> c.old_prev
      AND a.practice_id = c.practice_id AND a.scope = c.scope AND a.member_id = c.member_id AND a.day = c.day
  )
  INSERT INTO activity_counts (practice_id, scope, day, days, prevs)
  SELECT d.practice_id, d.scope, d.day, sum(d.n_days), sum(d.n_prevs)
  FROM (SELECT practice_id, scope, day, 1 AS n_days, 0 AS n_prevs FROM chain WHERE is_new
        UNION ALL SELECT practice_id, scope, want, 0, 1 FROM chain WHERE is_new OR (is_succ AND want <> old_prev)
        UNION ALL SELECT practice_id, scope, old_prev, 0, -1 FROM chain WHERE is_succ AND want <> old_prev) d
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (practice_id, scope, day)
  DO UPDATE SET days = activity_counts.days + excluded.days, prevs = activity_counts.prevs + excluded.prevs
$$;--> statement-breakpoint
CREATE FUNCTION "events_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM activity_add(array_agg(k.practice_id), array_agg(k.scope), array_agg(k.member_id), array_agg(k.day))
  FROM (
    SELECT DISTINCT n.practice_id, s.scope, n.member_id, (n.at AT TIME ZONE p.timezone)::date AS day
    FROM new_rows n JOIN practices p ON p.id = n.practice_id
    CROSS JOIN LATERAL (SELECT 'event' AS scope UNION ALL SELECT 'checkin' WHERE n.type = 'visit.checked_in') s
    WHERE n.member_id IS NOT NULL
  ) k
  WHERE NOT EXISTS (SELECT 1 FROM activity_days a
                    WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day = k.day);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "ledger_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM activity_add(array_agg(k.practice_id), array_agg(k.scope), array_agg(k.member_id), array_agg(k.day))
  FROM (
    SELECT DISTINCT n.practice_id, s.scope, n.member_id, (n.at AT TIME ZONE p.timezone)::date AS day
    FROM new_rows n JOIN practices p ON p.id = n.practice_id
    CROSS JOIN LATERAL (
      SELECT 'earn' AS scope WHERE n.kind IN ('earn', 'reward', 'milestone')
      UNION ALL SELECT 'rule:' || coalesce(n.rule_name, '') WHERE n.kind IN ('earn', 'reward', 'milestone', 'reversal')
    ) s
    WHERE n.member_id IS NOT NULL
  ) k
  WHERE NOT EXISTS (SELECT 1 FROM activity_days a
                    WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day = k.day);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "events_activity" AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "events_activity"();--> statement-breakpoint
CREATE TRIGGER "ledger_activity" AFTER INSERT ON "ledger_entries" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_activity"();--> statement-breakpoint
-- A practice's activity days recomputed from its events and ledger (backfill; change of timezone).
CREATE FUNCTION "activity_rebuild"(pid uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM activity_days WHERE practice_id = pid;
  DELETE FROM activity_counts WHERE practice_id = pid;
  INSERT INTO activity_days (practice_id, scope, member_id, day, prev)
  SELECT pid, k.scope, k.member_id, k.day, coalesce(lag(k.day) OVER (PARTITION BY k.scope, k.member_id ORDER BY k.day), '-infinity'::date)
  FROM (
    SELECT s.scope, e.member_id, (e.at AT TIME ZONE p.timezone)::date AS day
    FROM events e JOIN practices p ON p.id = e.practice_id
    CROSS JOIN LATERAL (SELECT 'event' AS scope UNION ALL SELECT 'checkin' WHERE e.type = 'visit.checked_in') s
    WHERE e.practice_id = pid AND e.member_id IS NOT NULL
    UNION
    SELECT s.scope, e.member_id, (e.at AT TIME ZONE p.timezone)::date
    FROM ledger_entries e JOIN practices p ON p.id = e.practice_id
    CROSS JOIN LATERAL (
      SELECT 'earn' AS scope WHERE e.kind IN ('earn', 'reward', 'milestone')
      UNION ALL SELECT 'rule:' || coalesce(e.rule_name, '') WHERE e.kind IN ('earn', 'reward', 'milestone', 'reversal')
    ) s
    WHERE e.practice_id = pid AND e.member_id IS NOT NULL
  ) k;
  INSERT INTO activity_counts (practice_id, scope, day, days, prevs)
  SELECT pid, x.scope, x.day, sum(x.d), sum(x.p)
  FROM (SELECT scope, day, 1 AS d, 0 AS p FROM activity_days WHERE practice_id = pid
        UNION ALL SELECT scope, prev, 0, 1 FROM activity_days WHERE practice_id = pid) x
  GROUP BY x.scope, x.day;
END $$;--> statement-breakpoint
SELECT "activity_rebuild"("id") FROM "practices";
