// How the schema is distributed by practice (PostgreSQL with Citus, distribution column
// practice_id): every table is in exactly one of these lists, and the catalog test
// (distribution.pg.test.ts) holds the tables to the rule of their list.
//
// - Distributed tables carry practice_id, and practice_id leads their primary key, is part of
//   every unique constraint and of every foreign key to another distributed table
//   (columns.ts: tenantKey, tenantRef). All are colocated: a practice's rows share one shard.
// - Reference tables are copied to every node: the practices themselves and the install-wide
//   bookkeeping whose rows need no practice (a lockout by email before the practice is known,
//   jobs and the dev mailbox, the first-run setup).
import { getTableName, type Table } from "drizzle-orm";
import { auditLog } from "./audit.ts";
import { apiKeys, authLockouts, checkInCodes, devMailbox, jobs, kioskDevices, sessions } from "./auth.ts";
import { eligibleItems, orders, rewards } from "./catalog.ts";
import {
  importRuns,
  marketplaceActivities,
  participations,
  qrCodes,
  qrScans,
  referralCampaigns,
  referrals,
  reviews,
  surveyQuestions,
  surveyResponses,
} from "./engagement.ts";
import {
  actionRequests,
  checkIns,
  events,
  issuedCoupons,
  memberEngineCounters,
  memberEngineInvoices,
  memberEngineMarks,
  memberEngineStates,
  memberPhases,
} from "./events.ts";
import { idempotencyKeys, ledgerEntries, memberBalances } from "./ledger.ts";
import { consents, invitations, members } from "./members.ts";
import { messageOptOuts, messageSuppressions, messages, practiceMessaging } from "./messages.ts";
import { mergeSuggestions, patientImports } from "./patient-imports.ts";
import { installation, locations, practiceLogos, practices, setupTokens } from "./practices.ts";
import { activityCounts, activityDays, ledgerDaily, ledgerDays, rewardDaily } from "./rollups.ts";
import { backtestRuns, ruleSetVersions } from "./rules.ts";
import { memberAccessLog, practiceSecurity, staffSecondFactors, staffSignInChallenges } from "./security.ts";
import { staffUsers } from "./staff.ts";
import { textTranslations } from "./translations.ts";
import { webhookDeliveries, webhookEndpoints, webhookMessages } from "./webhooks.ts";

/** Copied to every node (`create_reference_table`); created first, since distributed tables refer to them. */
export const referenceTables: Table[] = [practices, installation, setupTokens, authLockouts, jobs, devMailbox];

/** Sharded by practice_id (`create_distributed_table(..., 'practice_id', colocate_with => ...)`),
 *  in an order where a table comes after the tables its foreign keys name. */
export const distributedTables: Table[] = [
  members,
  staffUsers,
  ruleSetVersions,
  events,
  locations,
  practiceLogos,
  practiceMessaging,
  auditLog,
  sessions,
  kioskDevices,
  checkInCodes,
  apiKeys,
  eligibleItems,
  rewards,
  orders,
  surveyQuestions,
  surveyResponses,
  qrCodes,
  qrScans,
  referralCampaigns,
  referrals,
  marketplaceActivities,
  participations,
  reviews,
  importRuns,
  memberEngineStates,
  memberEngineInvoices,
  memberEngineCounters,
  memberEngineMarks,
  issuedCoupons,
  memberPhases,
  actionRequests,
  checkIns,
  ledgerEntries,
  memberBalances,
  idempotencyKeys,
  ledgerDaily,
  ledgerDays,
  activityDays,
  activityCounts,
  rewardDaily,
  consents,
  invitations,
  messages,
  messageOptOuts,
  messageSuppressions,
  patientImports,
  mergeSuggestions,
  webhookEndpoints,
  webhookMessages,
  webhookDeliveries,
  textTranslations,
  practiceSecurity,
  staffSecondFactors,
  staffSignInChallenges,
  memberAccessLog,
  backtestRuns,
];

export const referenceTableNames = referenceTables.map((t) => getTableName(t));
export const distributedTableNames = distributedTables.map((t) => getTableName(t));

/** The SQL that turns this schema into a Citus cluster's (run once on the coordinator, after the migrations). */
export function citusDistributionSql(): string[] {
  const [first, ...rest] = distributedTableNames;
  return [
    ...referenceTableNames.map((name) => `select create_reference_table('${name}');`),
    `select create_distributed_table('${first}', 'practice_id');`,
    ...rest.map((name) => `select create_distributed_table('${name}', 'practice_id', colocate_with => '${first}');`),
  ];
}
