ALTER TABLE "members" ADD COLUMN "excluded_from_rewards" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "excluded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "excluded_by" uuid;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "practices" ADD COLUMN "reward_value_limit_cents" integer;--> statement-breakpoint
ALTER TABLE "practices" ADD COLUMN "yearly_redemption_limit_cents" integer;--> statement-breakpoint
ALTER TABLE "practices" ADD COLUMN "referral_rewards" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "practices" ADD COLUMN "line_item_retention_years" integer;