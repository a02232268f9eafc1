-- The activity triggers plan their query at each statement (EXECUTE), not once per connection:
-- a PL/pgSQL statement without parameters keeps the plan it got at its first run for the life of
-- the connection, and one made while activity_days was small (an anti-join scanning it) made an
-- import batch in a large practice take seconds more with every batch.
CREATE OR REPLACE FUNCTION "events_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
  SELECT activity_add(array_agg(k.practice_id), array_agg(k.scope), array_agg(k.member_id), array_agg(k.day))
  FROM (
    SELECT DISTINCT n.practice_id, s.scope, n.member_id, (n.at AT TIME ZONE p.timezone)::date AS day
    FROM new_rows n JOIN practices p ON p.id = n.practice_id
    CROSS JOIN LATERAL (SELECT 'event' AS scope UNION ALL SELECT 'checkin' WHERE n.type = 'visit.checked_in') s
    WHERE n.member_id IS NOT NULL
  ) k
  WHERE NOT EXISTS (SELECT 1 FROM activity_days a
                    WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day = k.day)
  $q$;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "ledger_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
  SELECT activity_add(array_agg(k.practice_id), array_agg(k.scope), array_agg(k.member_id), array_agg(k.day))
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
                    WHERE a.practice_id = k.practice_id AND a.scope = k.scope AND a.member_id = k.member_id AND a.day = k.day)
  $q$;
  RETURN NULL;
END $$;--> statement-breakpoint
-- A redemption's order is found by its key (practice first), not by its id alone.
CREATE OR REPLACE FUNCTION "ledger_reward_daily"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reward_daily (practice_id, day, reward_name, reward_kind, orders, points)
  SELECT NEW.practice_id, (NEW.at AT TIME ZONE p.timezone)::date, coalesce(o.reward_name, ''), coalesce(o.reward_kind::text, ''),
         CASE WHEN NEW.kind = 'redemption' THEN 1 ELSE -1 END, NEW.points
  FROM practices p LEFT JOIN orders o ON o.practice_id = NEW.practice_id AND o.id = NEW.order_id
  WHERE p.id = NEW.practice_id
  ON CONFLICT (practice_id, day, reward_name, reward_kind)
  DO UPDATE SET orders = reward_daily.orders + excluded.orders, points = reward_daily.points + excluded.points;
  RETURN NULL;
END $$;
