ALTER TABLE "ledger_entries" ALTER COLUMN "points" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "member_balances" ALTER COLUMN "balance" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "member_engine_states" ADD COLUMN "next_expiry_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "member_engine_states_next_expiry_idx" ON "member_engine_states" USING btree ("next_expiry_at") WHERE "member_engine_states"."next_expiry_at" is not null;