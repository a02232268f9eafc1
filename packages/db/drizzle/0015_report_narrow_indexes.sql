DROP INDEX "events_practice_at_idx";--> statement-breakpoint
DROP INDEX "ledger_entries_practice_at_idx";--> statement-breakpoint
CREATE INDEX "events_practice_at_member_type_idx" ON "events" USING btree ("practice_id","at","member_id","type");--> statement-breakpoint
CREATE INDEX "ledger_entries_practice_at_figures_idx" ON "ledger_entries" USING btree ("practice_id","at","kind","points","member_id","rule_name");--> statement-breakpoint
CREATE INDEX "ledger_entries_practice_created_idx" ON "ledger_entries" USING btree ("practice_id","created_at");