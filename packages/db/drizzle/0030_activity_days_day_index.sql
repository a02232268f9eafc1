DROP INDEX "activity_days_scope_day_idx";--> statement-breakpoint
CREATE INDEX "activity_days_day_idx" ON "activity_days" USING btree (("day" + 0),"practice_id","scope","prev");