DROP INDEX "activity_days_scope_day_idx";--> statement-breakpoint
CREATE INDEX "activity_days_scope_day_idx" ON "activity_days" USING btree ("practice_id","scope",("day" + 0),"prev");