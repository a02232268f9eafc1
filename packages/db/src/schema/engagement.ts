// Engagement: compliance surveys, QR codes, referral campaigns, marketplace activities, reviews.
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef } from "./columns.ts";
import { events } from "./events.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";

export const surveyQuestions = pgTable(
  "survey_questions",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    text: text().notNull(),
    position: integer().notNull().default(0),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [tenantKey("survey_questions", t.practiceId, t.id), index("survey_questions_practice_idx").on(t.practiceId)],
);

export const surveyResponses = pgTable(
  "survey_responses",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    /** [{questionId, text, positive}] as asked, so later question edits keep history. */
    answers: jsonb().$type<{ questionId: string; text: string; positive: boolean }[]>().notNull(),
    perfect: boolean().notNull(),
    eventId: uuid(),
    takenBy: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("survey_responses", t.practiceId, t.id),
    index("survey_responses_practice_idx").on(t.practiceId),
    index("survey_responses_member_idx").on(t.memberId),
    tenantRef("survey_responses_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("survey_responses_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

export const qrCodes = pgTable(
  "qr_codes",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** What the rules test (`qr.code = "SUMMER-2026"`). */
    code: text().notNull(),
    label: text().notNull().default(""),
    /** Random token printed in the QR payload; scanning presents it. */
    token: text().notNull(),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("qr_codes", t.practiceId, t.id),
    index("qr_codes_practice_idx").on(t.practiceId),
    uniqueIndex("qr_codes_token_key").on(t.practiceId, t.token),
    uniqueIndex("qr_codes_practice_code_key").on(t.practiceId, t.code),
  ],
);

export const qrScans = pgTable(
  "qr_scans",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    qrCodeId: uuid().notNull(),
    memberId: uuid().notNull(),
    eventId: uuid(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("qr_scans", t.practiceId, t.id),
    index("qr_scans_practice_idx").on(t.practiceId),
    uniqueIndex("qr_scans_once_key").on(t.practiceId, t.qrCodeId, t.memberId),
    tenantRef("qr_scans_qr_code_fk", [t.practiceId, t.qrCodeId], [qrCodes.practiceId, qrCodes.id]),
    tenantRef("qr_scans_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("qr_scans_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

export const referralCampaignKind = pgEnum("referral_campaign_kind", ["standard", "seasonal"]);

export const referralCampaigns = pgTable(
  "referral_campaigns",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** What the rules test (`referral.campaign = "spring"`). */
    name: text().notNull(),
    kind: referralCampaignKind().notNull().default("standard"),
    description: text().notNull().default(""),
    startsOn: date({ mode: "string" }),
    endsOn: date({ mode: "string" }),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("referral_campaigns", t.practiceId, t.id),
    index("referral_campaigns_practice_idx").on(t.practiceId),
    uniqueIndex("referral_campaigns_practice_name_key").on(t.practiceId, t.name),
  ],
);

export const referralStatus = pgEnum("referral_status", ["invited", "converted"]);

export const referrals = pgTable(
  "referrals",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    campaignId: uuid().notNull(),
    referrerId: uuid().notNull(),
    inviteeName: text().notNull().default(""),
    inviteeEmail: text(),
    /** Random token in the invitation link. */
    token: text().notNull(),
    status: referralStatus().notNull().default("invited"),
    referredMemberId: uuid(),
    eventId: uuid(),
    convertedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("referrals", t.practiceId, t.id),
    index("referrals_practice_idx").on(t.practiceId),
    uniqueIndex("referrals_token_key").on(t.practiceId, t.token),
    tenantRef("referrals_campaign_fk", [t.practiceId, t.campaignId], [referralCampaigns.practiceId, referralCampaigns.id]),
    tenantRef("referrals_referrer_fk", [t.practiceId, t.referrerId], [members.practiceId, members.id]),
    tenantRef("referrals_referred_member_fk", [t.practiceId, t.referredMemberId], [members.practiceId, members.id]),
    tenantRef("referrals_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

export const activityKind = pgEnum("activity_kind", ["contest", "survey", "social_post"]);

export const marketplaceActivities = pgTable(
  "marketplace_activities",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    kind: activityKind().notNull(),
    title: text().notNull(),
    description: text().notNull().default(""),
    /** A survey's questions, in order; every one needs an answer. Empty for contests and posts. */
    questions: jsonb().$type<string[]>().notNull().default([]),
    active: boolean().notNull().default(true),
    startsAt: timestamp({ withTimezone: true, mode: "date" }),
    endsAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [tenantKey("marketplace_activities", t.practiceId, t.id), index("marketplace_activities_practice_idx").on(t.practiceId)],
);

export const participations = pgTable(
  "participations",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    activityId: uuid().notNull(),
    memberId: uuid().notNull(),
    response: text().notNull().default(""),
    /** A survey's answers, one per question, in the activity's order. */
    answers: jsonb().$type<string[]>().notNull().default([]),
    eventId: uuid(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("participations", t.practiceId, t.id),
    index("participations_practice_idx").on(t.practiceId),
    uniqueIndex("participations_once_key").on(t.practiceId, t.activityId, t.memberId),
    tenantRef("participations_activity_fk", [t.practiceId, t.activityId], [marketplaceActivities.practiceId, marketplaceActivities.id]),
    tenantRef("participations_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("participations_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

export const reviewStatus = pgEnum("review_status", ["submitted", "published", "hidden"]);

export const reviews = pgTable(
  "reviews",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    rating: integer().notNull(),
    platform: text().notNull().default("tally"),
    body: text().notNull().default(""),
    status: reviewStatus().notNull().default("submitted"),
    eventId: uuid(),
    publishedAt: timestamp({ withTimezone: true, mode: "date" }),
    publishedBy: text(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("reviews", t.practiceId, t.id),
    index("reviews_practice_idx").on(t.practiceId),
    tenantRef("reviews_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("reviews_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

/** Invoice import runs: progress and the rows that were refused, with their row numbers. */
export const importRuns = pgTable(
  "import_runs",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    source: text().notNull().default("api"),
    rows: integer().notNull().default(0),
    imported: integer().notNull().default(0),
    skipped: integer().notNull().default(0),
    errors: jsonb().$type<{ row: number; message: string }[]>().notNull().default([]),
    /** The background job (jobs.id, the pg-boss job id) that ran this import, if any. */
    jobId: uuid(),
    /** Set with finishedAt when the run did not finish: its job failed (crash, expiry, error). */
    error: text(),
    startedAt: createdAt(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    tenantKey("import_runs", t.practiceId, t.id),
    index("import_runs_practice_idx").on(t.practiceId),
    index("import_runs_job_idx").on(t.jobId),
  ],
);
