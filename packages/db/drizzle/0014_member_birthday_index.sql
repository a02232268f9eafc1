-- The birthdays job and the upcoming-birthdays list select members by their birthday's month
-- and day (April 2 = 402) in SQL, instead of loading every member of the practice.
CREATE INDEX IF NOT EXISTS "members_birthday_md_idx" ON "members" USING btree ("practice_id", ((extract(month from "birthday") * 100 + extract(day from "birthday"))::int)) WHERE "birthday" IS NOT NULL;
