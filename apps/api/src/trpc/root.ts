// The root tRPC router; apps import only its type (AppRouter) for their typed clients.
import { router } from "./init.ts";
import { adminAuditRouter } from "./routers/admin-audit.ts";
import { adminDashboardRouter } from "./routers/admin-dashboard.ts";
import { adminEngagementRouter } from "./routers/admin-engagement.ts";
import { adminImportsRouter } from "./routers/admin-imports.ts";
import { adminMembersRouter } from "./routers/admin-members.ts";
import { adminOrdersRouter } from "./routers/admin-orders.ts";
import { adminReportsRouter } from "./routers/admin-reports.ts";
import { adminReviewsRouter } from "./routers/admin-reviews.ts";
import { adminRulesRouter } from "./routers/admin-rules.ts";
import { apiKeysRouter } from "./routers/api-keys.ts";
import { approvalsRouter } from "./routers/approvals.ts";
import { authRouter } from "./routers/auth.ts";
import { catalogRouter } from "./routers/catalog.ts";
import { checkinRouter } from "./routers/checkin.ts";
import { couponsRouter } from "./routers/coupons.ts";
import { eventsRouter } from "./routers/events.ts";
import { importsRouter } from "./routers/imports.ts";
import { kioskCheckinRouter } from "./routers/kiosk-checkin.ts";
import { kiosksRouter } from "./routers/kiosks.ts";
import { leadsRouter } from "./routers/leads.ts";
import { ledgerRouter } from "./routers/ledger.ts";
import { liveRouter } from "./routers/live.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { membersRouter } from "./routers/members.ts";
import { portalRouter } from "./routers/portal.ts";
import { portalAccountRouter } from "./routers/portal-account.ts";
import { portalMemberRouter } from "./routers/portal-member.ts";
import { portalScanRouter } from "./routers/portal-scan.ts";
import { practiceRouter } from "./routers/practice.ts";
import { programsRouter } from "./routers/programs.ts";
import { ordersRouter, redemptionRouter } from "./routers/redemption.ts";
import { rulesRouter } from "./routers/rules.ts";
import { staffRouter } from "./routers/staff.ts";

export const appRouter = router({
  practice: practiceRouter,
  auth: authRouter,
  staff: staffRouter,
  members: membersRouter,
  leads: leadsRouter,
  approvals: approvalsRouter,
  ledger: ledgerRouter,
  rules: rulesRouter,
  programs: programsRouter,
  catalog: catalogRouter,
  coupons: couponsRouter,
  redemption: redemptionRouter,
  orders: ordersRouter,
  events: eventsRouter,
  imports: importsRouter,
  portal: portalRouter,
  portalMember: portalMemberRouter,
  portalScan: portalScanRouter,
  portalAccount: portalAccountRouter,
  checkin: checkinRouter,
  kiosks: kiosksRouter,
  kioskCheckin: kioskCheckinRouter,
  apiKeys: apiKeysRouter,
  live: liveRouter,
  mailbox: mailboxRouter,
  adminRules: adminRulesRouter,
  adminEngagement: adminEngagementRouter,
  adminMembers: adminMembersRouter,
  adminDashboard: adminDashboardRouter,
  adminReports: adminReportsRouter,
  adminImports: adminImportsRouter,
  adminAudit: adminAuditRouter,
  adminReviews: adminReviewsRouter,
  adminOrders: adminOrdersRouter,
});

export type AppRouter = typeof appRouter;
