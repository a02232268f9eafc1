ALTER TABLE "members" ADD COLUMN "birthday_year" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The year each member's birthday was last celebrated, from the birthday events themselves
-- (external id `birthday:<member>:<year>`).
UPDATE "members" m SET "birthday_year" = b.year
FROM (
  SELECT "practice_id", split_part("external_id", ':', 2)::uuid AS member_id, max(split_part("external_id", ':', 3)::int) AS year
  FROM "events"
  WHERE "type" = 'member.birthday' AND "external_id" ~ '^birthday:[0-9a-f-]{36}:[0-9]{4}$'
  GROUP BY 1, 2
) b
WHERE m."practice_id" = b."practice_id" AND m."id" = b.member_id;--> statement-breakpoint
-- The birthdays job reads the day's members not yet celebrated this year: with the year in the
-- index, a re-run of a day already done reads no member row, however many were born that day.
DROP INDEX IF EXISTS "members_birthday_md_idx";--> statement-breakpoint
CREATE INDEX "members_birthday_md_idx" ON "members" USING btree ("practice_id", ((extract(month from "birthday") * 100 + extract(day from "birthday"))::int), "birthday_year") WHERE "birthday" IS NOT NULL;
