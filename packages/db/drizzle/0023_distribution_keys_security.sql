DROP INDEX "staff_sign_in_challenges_token_key";--> statement-breakpoint
ALTER TABLE "member_access_log" DROP CONSTRAINT "member_access_log_pkey";--> statement-breakpoint
ALTER TABLE "staff_second_factors" DROP CONSTRAINT "staff_second_factors_pkey";--> statement-breakpoint
ALTER TABLE "staff_sign_in_challenges" DROP CONSTRAINT "staff_sign_in_challenges_pkey";--> statement-breakpoint
ALTER TABLE "member_access_log" ADD CONSTRAINT "member_access_log_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "staff_second_factors" ADD CONSTRAINT "staff_second_factors_pkey" PRIMARY KEY("practice_id","staff_user_id");--> statement-breakpoint
ALTER TABLE "staff_sign_in_challenges" ADD CONSTRAINT "staff_sign_in_challenges_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_sign_in_challenges_token_key" ON "staff_sign_in_challenges" USING btree ("practice_id","token_hash");