ALTER TYPE "public"."message_status" ADD VALUE 'bounced';--> statement-breakpoint
ALTER TYPE "public"."message_status" ADD VALUE 'suppressed';