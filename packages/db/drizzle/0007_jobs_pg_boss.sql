DROP INDEX "jobs_ready_idx";--> statement-breakpoint
DROP INDEX "jobs_singleton_key";--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "error" text;--> statement-breakpoint
CREATE INDEX "import_runs_job_idx" ON "import_runs" USING btree ("job_id");--> statement-breakpoint
ALTER TABLE "jobs" DROP COLUMN "max_attempts";--> statement-breakpoint
ALTER TABLE "jobs" DROP COLUMN "singleton_key";--> statement-breakpoint
ALTER TABLE "jobs" DROP COLUMN "locked_at";