// The root tRPC router; apps import only its type (AppRouter) for their typed clients. One router
// per core module; who may call a procedure is its kind (public, staff, member, kiosk; init.ts).
import { router } from "./init.ts";
import { apiKeysRouter } from "./routers/api-keys.ts";
import { approvalsRouter } from "./routers/approvals.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { catalogRouter } from "./routers/catalog.ts";
import { checkinRouter } from "./routers/checkin.ts";
import { couponsRouter } from "./routers/coupons.ts";
import { engagementRouter } from "./routers/engagement.ts";
import { eventsRouter } from "./routers/events.ts";
import { importsRouter } from "./routers/imports.ts";
import { kiosksRouter } from "./routers/kiosks.ts";
import { leadsRouter } from "./routers/leads.ts";
import { ledgerRouter } from "./routers/ledger.ts";
import { liveRouter } from "./routers/live.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { membersRouter } from "./routers/members.ts";
import { messagesRouter } from "./routers/messages.ts";
import { patientImportsRouter } from "./routers/patient-imports.ts";
import { practiceRouter } from "./routers/practice.ts";
import { redemptionRouter } from "./routers/redemption.ts";
import { reportsRouter } from "./routers/reports.ts";
import { rulesRouter } from "./routers/rules.ts";
import { securityRouter } from "./routers/security.ts";
import { staffRouter } from "./routers/staff.ts";
import { translationsRouter } from "./routers/translations.ts";
import { webhooksRouter } from "./routers/webhooks.ts";

export const appRouter = router({
  practice: practiceRouter,
  auth: authRouter,
  security: securityRouter,
  staff: staffRouter,
  members: membersRouter,
  patientImports: patientImportsRouter,
  leads: leadsRouter,
  approvals: approvalsRouter,
  ledger: ledgerRouter,
  rules: rulesRouter,
  translations: translationsRouter,
  catalog: catalogRouter,
  coupons: couponsRouter,
  redemption: redemptionRouter,
  events: eventsRouter,
  imports: importsRouter,
  engagement: engagementRouter,
  reports: reportsRouter,
  audit: auditRouter,
  checkin: checkinRouter,
  kiosks: kiosksRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
  live: liveRouter,
  mailbox: mailboxRouter,
  messages: messagesRouter,
});

export type AppRouter = typeof appRouter;
