// Engagement: compliance surveys, QR codes, referral campaigns, marketplace activities, reviews.
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns.ts";
import { events } from "./events.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";

export const surveyQuestions = pgTable(
  "survey_questions",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    text: text().notNull(),
    position: integer().notNull().default(0),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("survey_questions_practice_idx").on(t.practiceId)],
);

export const surveyResponses = pgTable(
  "survey_responses",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    /** [{questionId, text, positive}] as asked, so later question edits keep history. */
    answers: jsonb().$type<{ questionId: string; text: string; positive: boolean }[]>().notNull(),
    perfect: boolean().notNull(),
    eventId: uuid().references(() => events.id),
    takenBy: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("survey_responses_practice_idx").on(t.practiceId), index("survey_responses_member_idx").on(t.memberId)],
);

export const qrCodes = pgTable(
  "qr_codes",
  {
    id: id(),
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
    index("qr_codes_practice_idx").on(t.practiceId),
    uniqueIndex("qr_codes_token_key").on(t.token),
    uniqueIndex("qr_codes_practice_code_key").on(t.practiceId, t.code),
  ],
);

export const qrScans = pgTable(
  "qr_scans",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    qrCodeId: uuid()
      .notNull()
      .references(() => qrCodes.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    eventId: uuid().references(() => events.id),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("qr_scans_practice_idx").on(t.practiceId), uniqueIndex("qr_scans_once_key").on(t.qrCodeId, t.memberId)],
);

export const referralCampaignKind = pgEnum("referral_campaign_kind", ["standard", "seasonal"]);

export const referralCampaigns = pgTable(
  "referral_campaigns",
  {
    id: id(),
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
    index("referral_campaigns_practice_idx").on(t.practiceId),
    uniqueIndex("referral_campaigns_practice_name_key").on(t.practiceId, t.name),
  ],
);

export const referralStatus = pgEnum("referral_status", ["invited", "converted"]);

export const referrals = pgTable(
  "referrals",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    campaignId: uuid()
      .notNull()
      .references(() => referralCampaigns.id),
    referrerId: uuid()
      .notNull()
      .references(() => members.id),
    inviteeName: text().notNull().default(""),
    inviteeEmail: text(),
    /** Random token in the invitation link. */
    token: text().notNull(),
    status: referralStatus().notNull().default("invited"),
    referredMemberId: uuid().references(() => members.id),
    eventId: uuid().references(() => events.id),
    convertedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [index("referrals_practice_idx").on(t.practiceId), uniqueIndex("referrals_token_key").on(t.token)],
);

export const activityKind = pgEnum("activity_kind", ["contest", "survey", "social_post"]);

export const marketplaceActivities = pgTable(
  "marketplace_activities",
  {
    id: id(),
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
  (t) => [index("marketplace_activities_practice_idx").on(t.practiceId)],
);

export const participations = pgTable(
  "participations",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    activityId: uuid()
      .notNull()
      .references(() => marketplaceActivities.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    response: text().notNull().default(""),
    /** A survey's answers, one per question, in the activity's order. */
    answers: jsonb().$type<string[]>().notNull().default([]),
    eventId: uuid().references(() => events.id),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("participations_practice_idx").on(t.practiceId), uniqueIndex("participations_once_key").on(t.activityId, t.memberId)],
);

export const reviewStatus = pgEnum("review_status", ["submitted", "published", "hidden"]);

export const reviews = pgTable(
  "reviews",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    rating: integer().notNull(),
    platform: text().notNull().default("tally"),
    body: text().notNull().default(""),
    status: reviewStatus().notNull().default("submitted"),
    eventId: uuid().references(() => events.id),
    publishedAt: timestamp({ withTimezone: true, mode: "date" }),
    publishedBy: text(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("reviews_practice_idx").on(t.practiceId)],
);

/** Invoice import runs: progress and the rows that were refused, with their row numbers. */
export const importRuns = pgTable(
  "import_runs",
  {
    id: id(),
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
  (t) => [index("import_runs_practice_idx").on(t.practiceId), index("import_runs_job_idx").on(t.jobId)],
);
