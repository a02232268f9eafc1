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
-- New activity days (practice, scope, member, local day) of one statement: each not yet held is
-- inserted with its previous day, and the member's next day (if the new one is late) re-pointed
-- to it; activity_counts moves by the same (days +1 on the day; prevs +1 on the new day's
-- previous day, or on the new day when a next day now points to it instead). One member at a
-- time under a transaction lock, so two transactions never both take a day as the last.
CREATE FUNCTION "activity_add"(ps uuid[], ss text[], ms uuid[], ds date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  k record;
  pv date;
  nx date;
  locked uuid;
  c_pr uuid[] := '{}';
  c_scope text[] := '{}';
  c_day date[] := '{}';
  c_days int[] := '{}';
  c_prevs int[] := '{}';
BEGIN
  IF ps IS NULL THEN RETURN; END IF;
  FOR k IN SELECT * FROM unnest(ps, ss, ms, ds) AS u(practice_id, scope, member_id, day) ORDER BY member_id, scope, day LOOP
    IF locked IS DISTINCT FROM k.member_id THEN
      PERFORM pg_advisory_xact_lock(7301, hashtext(k.member_id::text));
      locked := k.member_id;
    END IF;
    PERFORM 1 FROM activity_days a
      WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day = k.day;
    IF FOUND THEN CONTINUE; END IF;
    SELECT max(a.day) INTO pv FROM activity_days a
      WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day < k.day;
    SELECT min(a.day) INTO nx FROM activity_days a
      WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day > k.day;
    pv := coalesce(pv, '-infinity'::date);
    INSERT INTO activity_days (practice_id, scope, member_id, day, prev) VALUES (k.practice_id, k.scope, k.member_id, k.day, pv);
    c_pr := c_pr || k.practice_id; c_scope := c_scope || k.scope; c_day := c_day || k.day; c_days := c_days || 1; c_prevs := c_prevs || 0;
    IF nx IS NOT NULL THEN
      UPDATE activity_days SET prev = k.day
        WHERE practice_id = k.practice_id AND scope = k.scope AND member_id = k.member_id AND day = nx;
      c_pr := c_pr || k.practice_id; c_scope := c_scope || k.scope; c_day := c_day || k.day; c_days := c_days || 0; c_prevs := c_prevs || 1;
    ELSE
      c_pr := c_pr || k.practice_id; c_scope := c_scope || k.scope; c_day := c_day || pv; c_days := c_days || 0; c_prevs := c_prevs || 1;
    END IF;
  END LOOP;
  INSERT INTO activity_counts (practice_id, scope, day, days, prevs)
  SELECT u.practice_id, u.scope, u.day, sum(u.dd), sum(u.pp)
  FROM unnest(c_pr, c_scope, c_day, c_days, c_prevs) AS u(practice_id, scope, day, dd, pp)
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (practice_id, scope, day)
  DO UPDATE SET days = activity_counts.days + excluded.days, prevs = activity_counts.prevs + excluded.prevs;
END $$;--> statement-breakpoint
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
