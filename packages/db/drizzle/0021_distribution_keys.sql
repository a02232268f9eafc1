ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_created_by_staff_id_staff_users_id_fk";
--> statement-breakpoint
ALTER TABLE "check_in_codes" DROP CONSTRAINT "check_in_codes_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "kiosk_devices" DROP CONSTRAINT "kiosk_devices_created_by_staff_id_staff_users_id_fk";
--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_staff_user_id_staff_users_id_fk";
--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_reward_id_rewards_id_fk";
--> statement-breakpoint
ALTER TABLE "participations" DROP CONSTRAINT "participations_activity_id_marketplace_activities_id_fk";
--> statement-breakpoint
ALTER TABLE "participations" DROP CONSTRAINT "participations_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "participations" DROP CONSTRAINT "participations_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "qr_scans" DROP CONSTRAINT "qr_scans_qr_code_id_qr_codes_id_fk";
--> statement-breakpoint
ALTER TABLE "qr_scans" DROP CONSTRAINT "qr_scans_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "qr_scans" DROP CONSTRAINT "qr_scans_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "referrals" DROP CONSTRAINT "referrals_campaign_id_referral_campaigns_id_fk";
--> statement-breakpoint
ALTER TABLE "referrals" DROP CONSTRAINT "referrals_referrer_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "referrals" DROP CONSTRAINT "referrals_referred_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "referrals" DROP CONSTRAINT "referrals_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "reviews" DROP CONSTRAINT "reviews_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "reviews" DROP CONSTRAINT "reviews_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "survey_responses" DROP CONSTRAINT "survey_responses_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "survey_responses" DROP CONSTRAINT "survey_responses_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "action_requests" DROP CONSTRAINT "action_requests_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "action_requests" DROP CONSTRAINT "action_requests_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "action_requests" DROP CONSTRAINT "action_requests_decided_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "check_ins" DROP CONSTRAINT "check_ins_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "check_ins" DROP CONSTRAINT "check_ins_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_rule_set_version_id_rule_set_versions_id_fk";
--> statement-breakpoint
ALTER TABLE "issued_coupons" DROP CONSTRAINT "issued_coupons_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "issued_coupons" DROP CONSTRAINT "issued_coupons_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "member_engine_states" DROP CONSTRAINT "member_engine_states_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "member_phases" DROP CONSTRAINT "member_phases_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "member_phases" DROP CONSTRAINT "member_phases_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_rule_set_version_id_rule_set_versions_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "member_balances" DROP CONSTRAINT "member_balances_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "consents" DROP CONSTRAINT "consents_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "message_opt_outs" DROP CONSTRAINT "message_opt_outs_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "merge_suggestions" DROP CONSTRAINT "merge_suggestions_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "merge_suggestions" DROP CONSTRAINT "merge_suggestions_other_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk";
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_message_id_webhook_messages_id_fk";
--> statement-breakpoint
DROP INDEX "idempotency_keys_key";--> statement-breakpoint
DROP INDEX "api_keys_key_hash_key";--> statement-breakpoint
DROP INDEX "kiosk_devices_token_hash_key";--> statement-breakpoint
DROP INDEX "kiosk_devices_pairing_code_hash_key";--> statement-breakpoint
DROP INDEX "sessions_token_hash_key";--> statement-breakpoint
DROP INDEX "participations_once_key";--> statement-breakpoint
DROP INDEX "qr_codes_token_key";--> statement-breakpoint
DROP INDEX "qr_scans_once_key";--> statement-breakpoint
DROP INDEX "referrals_token_key";--> statement-breakpoint
DROP INDEX "invitations_token_key";--> statement-breakpoint
DROP INDEX "webhook_deliveries_message_endpoint_key";--> statement-breakpoint
ALTER TABLE "member_phases" DROP CONSTRAINT "member_phases_member_id_rule_name_phase_pk";--> statement-breakpoint
ALTER TABLE "message_opt_outs" DROP CONSTRAINT "message_opt_outs_member_id_kind_channel_pk";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_pkey";--> statement-breakpoint
ALTER TABLE "check_in_codes" DROP CONSTRAINT "check_in_codes_pkey";--> statement-breakpoint
ALTER TABLE "kiosk_devices" DROP CONSTRAINT "kiosk_devices_pkey";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_pkey";--> statement-breakpoint
ALTER TABLE "eligible_items" DROP CONSTRAINT "eligible_items_pkey";--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey";--> statement-breakpoint
ALTER TABLE "rewards" DROP CONSTRAINT "rewards_pkey";--> statement-breakpoint
ALTER TABLE "import_runs" DROP CONSTRAINT "import_runs_pkey";--> statement-breakpoint
ALTER TABLE "marketplace_activities" DROP CONSTRAINT "marketplace_activities_pkey";--> statement-breakpoint
ALTER TABLE "participations" DROP CONSTRAINT "participations_pkey";--> statement-breakpoint
ALTER TABLE "qr_codes" DROP CONSTRAINT "qr_codes_pkey";--> statement-breakpoint
ALTER TABLE "qr_scans" DROP CONSTRAINT "qr_scans_pkey";--> statement-breakpoint
ALTER TABLE "referral_campaigns" DROP CONSTRAINT "referral_campaigns_pkey";--> statement-breakpoint
ALTER TABLE "referrals" DROP CONSTRAINT "referrals_pkey";--> statement-breakpoint
ALTER TABLE "reviews" DROP CONSTRAINT "reviews_pkey";--> statement-breakpoint
ALTER TABLE "survey_questions" DROP CONSTRAINT "survey_questions_pkey";--> statement-breakpoint
ALTER TABLE "survey_responses" DROP CONSTRAINT "survey_responses_pkey";--> statement-breakpoint
ALTER TABLE "action_requests" DROP CONSTRAINT "action_requests_pkey";--> statement-breakpoint
ALTER TABLE "check_ins" DROP CONSTRAINT "check_ins_pkey";--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_pkey";--> statement-breakpoint
ALTER TABLE "issued_coupons" DROP CONSTRAINT "issued_coupons_pkey";--> statement-breakpoint
ALTER TABLE "member_engine_states" DROP CONSTRAINT "member_engine_states_pkey";--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_pkey";--> statement-breakpoint
ALTER TABLE "member_balances" DROP CONSTRAINT "member_balances_pkey";--> statement-breakpoint
ALTER TABLE "consents" DROP CONSTRAINT "consents_pkey";--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_pkey";--> statement-breakpoint
ALTER TABLE "members" DROP CONSTRAINT "members_pkey";--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_pkey";--> statement-breakpoint
ALTER TABLE "merge_suggestions" DROP CONSTRAINT "merge_suggestions_pkey";--> statement-breakpoint
ALTER TABLE "patient_imports" DROP CONSTRAINT "patient_imports_pkey";--> statement-breakpoint
ALTER TABLE "locations" DROP CONSTRAINT "locations_pkey";--> statement-breakpoint
ALTER TABLE "rule_set_versions" DROP CONSTRAINT "rule_set_versions_pkey";--> statement-breakpoint
ALTER TABLE "staff_users" DROP CONSTRAINT "staff_users_pkey";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_pkey";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_pkey";--> statement-breakpoint
ALTER TABLE "webhook_messages" DROP CONSTRAINT "webhook_messages_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "check_in_codes" ADD CONSTRAINT "check_in_codes_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "kiosk_devices" ADD CONSTRAINT "kiosk_devices_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "eligible_items" ADD CONSTRAINT "eligible_items_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "marketplace_activities" ADD CONSTRAINT "marketplace_activities_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "qr_codes" ADD CONSTRAINT "qr_codes_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "qr_scans" ADD CONSTRAINT "qr_scans_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "referral_campaigns" ADD CONSTRAINT "referral_campaigns_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "survey_questions" ADD CONSTRAINT "survey_questions_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "issued_coupons" ADD CONSTRAINT "issued_coupons_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "member_engine_states" ADD CONSTRAINT "member_engine_states_pkey" PRIMARY KEY("practice_id","member_id");--> statement-breakpoint
ALTER TABLE "member_phases" ADD CONSTRAINT "member_phases_pkey" PRIMARY KEY("practice_id","member_id","rule_name","phase");--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("practice_id","scope","key");--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "member_balances" ADD CONSTRAINT "member_balances_pkey" PRIMARY KEY("practice_id","member_id");--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "message_opt_outs" ADD CONSTRAINT "message_opt_outs_pkey" PRIMARY KEY("practice_id","member_id","kind","channel");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "patient_imports" ADD CONSTRAINT "patient_imports_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "rule_set_versions" ADD CONSTRAINT "rule_set_versions_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "webhook_messages" ADD CONSTRAINT "webhook_messages_pkey" PRIMARY KEY("practice_id","id");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_staff_fk" FOREIGN KEY ("practice_id","created_by_staff_id") REFERENCES "public"."staff_users"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_in_codes" ADD CONSTRAINT "check_in_codes_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kiosk_devices" ADD CONSTRAINT "kiosk_devices_created_by_staff_fk" FOREIGN KEY ("practice_id","created_by_staff_id") REFERENCES "public"."staff_users"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_staff_user_fk" FOREIGN KEY ("practice_id","staff_user_id") REFERENCES "public"."staff_users"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_reward_fk" FOREIGN KEY ("practice_id","reward_id") REFERENCES "public"."rewards"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_activity_fk" FOREIGN KEY ("practice_id","activity_id") REFERENCES "public"."marketplace_activities"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qr_scans" ADD CONSTRAINT "qr_scans_qr_code_fk" FOREIGN KEY ("practice_id","qr_code_id") REFERENCES "public"."qr_codes"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qr_scans" ADD CONSTRAINT "qr_scans_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qr_scans" ADD CONSTRAINT "qr_scans_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_campaign_fk" FOREIGN KEY ("practice_id","campaign_id") REFERENCES "public"."referral_campaigns"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_fk" FOREIGN KEY ("practice_id","referrer_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referred_member_fk" FOREIGN KEY ("practice_id","referred_member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_decided_event_fk" FOREIGN KEY ("practice_id","decided_event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_rule_set_version_fk" FOREIGN KEY ("practice_id","rule_set_version_id") REFERENCES "public"."rule_set_versions"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_coupons" ADD CONSTRAINT "issued_coupons_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_coupons" ADD CONSTRAINT "issued_coupons_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_engine_states" ADD CONSTRAINT "member_engine_states_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_phases" ADD CONSTRAINT "member_phases_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_phases" ADD CONSTRAINT "member_phases_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_rule_set_version_fk" FOREIGN KEY ("practice_id","rule_set_version_id") REFERENCES "public"."rule_set_versions"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_event_fk" FOREIGN KEY ("practice_id","event_id") REFERENCES "public"."events"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_balances" ADD CONSTRAINT "member_balances_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_opt_outs" ADD CONSTRAINT "message_opt_outs_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_member_fk" FOREIGN KEY ("practice_id","member_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_suggestions" ADD CONSTRAINT "merge_suggestions_other_fk" FOREIGN KEY ("practice_id","other_id") REFERENCES "public"."members"("practice_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_fk" FOREIGN KEY ("practice_id","endpoint_id") REFERENCES "public"."webhook_endpoints"("practice_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_message_fk" FOREIGN KEY ("practice_id","message_id") REFERENCES "public"."webhook_messages"("practice_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_key_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "kiosk_devices_token_hash_idx" ON "kiosk_devices" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "kiosk_devices_pairing_code_hash_idx" ON "kiosk_devices" USING btree ("pairing_code_hash");--> statement-breakpoint
CREATE INDEX "sessions_token_hash_idx" ON "sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("practice_id","key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "kiosk_devices_token_hash_key" ON "kiosk_devices" USING btree ("practice_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "kiosk_devices_pairing_code_hash_key" ON "kiosk_devices" USING btree ("practice_id","pairing_code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions" USING btree ("practice_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "participations_once_key" ON "participations" USING btree ("practice_id","activity_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "qr_codes_token_key" ON "qr_codes" USING btree ("practice_id","token");--> statement-breakpoint
CREATE UNIQUE INDEX "qr_scans_once_key" ON "qr_scans" USING btree ("practice_id","qr_code_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_token_key" ON "referrals" USING btree ("practice_id","token");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_key" ON "invitations" USING btree ("practice_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_message_endpoint_key" ON "webhook_deliveries" USING btree ("practice_id","message_id","endpoint_id");