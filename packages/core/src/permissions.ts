// Who may do what, as data: each action (`module.verb`) lists the principals allowed to do it.
// Verbs call `authorize` first; the admin app reads `permissions` to show or hide actions.
import type { Actor, Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";

export type Principal = "admin" | "team_member" | "member" | "kiosk" | "integration";

const staff = ["admin", "team_member"] as const;
const admin = ["admin"] as const;

// An integration (API key) reaches members, balances, rewards, redemptions and coupons through the
// REST API, which checks the key's scope for each route (apps/api/src/rest/) before the verb runs.
export const permissions = {
  "practices.get": [...staff, "member", "kiosk", "integration"],
  "practices.updateSettings": admin,
  "practices.setLogo": admin,
  "practices.setDefault": admin,
  /** A new practice: the operator's CLI (system actor) or the first-run setup page only. */
  "practices.create": [],
  "practices.createLocation": admin,
  "practices.updateLocation": admin,
  "practices.listLocations": [...staff, "kiosk"],
  "staff.list": admin,
  /** Staff accounts: create with a temporary password, reset it, change the role, disable. */
  "staff.manage": admin,
  /** Integration API keys (create, rotate, revoke) and webhook endpoints (add, change, remove, redeliver). */
  "apiKeys.manage": admin,
  "webhooks.manage": admin,
  /** Kiosk tablets: pair, list, revoke, set the QR reader. */
  "kiosks.manage": admin,
  /** Messages to patients: the Messages page and a member's messages (staff), resend, the practice's delivery settings (admin). */
  "messages.list": staff,
  "messages.resend": staff,
  "messages.settings": admin,
  /** Which kinds a member receives per channel: the member in the portal, staff on their behalf. */
  "messages.preferences": [...staff, "member"],
  "audit.list": admin,
  "kiosks.unlockDevice": admin,
  "members.create": staff,
  "members.update": staff,
  /** Inducement guardrails: mark a member excluded from rewards (or no longer), audited. */
  "members.setExclusion": staff,
  /** Patient data requests: everything about one member (export), and erasure (anonymised, ledger kept). */
  "members.exportData": admin,
  "members.erase": admin,
  "members.get": [...staff, "member", "integration"],
  "members.search": [...staff, "integration"],
  "members.listTags": [...staff, "integration"],
  "members.setTags": [...staff, "integration"],
  "members.connectCard": staff,
  "members.findByCard": [...staff, "kiosk"],
  "members.recordConsent": [...staff, "member", "integration"],
  "members.merge": admin,
  "members.findDuplicates": staff,
  /** Patient import: the admin's CSV upload and the integration API's upsert by PMS id. */
  "members.import": ["admin", "integration"],
  /** Suggested merges an import found, reviewed like a merge. */
  "members.reviewMerges": admin,
  "members.registerLead": ["member", "kiosk", "integration"],
  "members.listLeads": staff,
  "members.convertLead": admin,
  "members.createInvitation": staff,
  "members.acceptInvitation": ["member"],
  "members.recordFirstLogin": ["member"],
  "members.listBirthdays": staff,
  "members.runBirthdays": [],
  "ledger.history": [...staff, "member", "integration"],
  "ledger.balance": [...staff, "member", "kiosk", "integration"],
  "ledger.adjustPoints": staff,
  "rules.save": admin,
  "rules.publish": admin,
  "rules.listVersions": staff,
  "rules.getVersion": staff,
  "rules.backtest": admin,
  "i18n.setTranslations": admin,
  "i18n.listTranslations": staff,
  // Arbitrary events (any type, any points) only from an integration's API key: staff record what
  // the desk needs through verbs with their own limits (check-in, survey, consent, ledger.adjust,
  // the practice's manual rewards through approvals).
  "events.record": ["integration"],
  "events.list": staff,
  "catalog.upsertEligibleItems": admin,
  "catalog.setEligibleItem": admin,
  "catalog.enableAllEligibleItems": admin,
  "catalog.listEligibleItems": staff,
  "catalog.createReward": admin,
  "catalog.updateReward": admin,
  "catalog.deleteReward": admin,
  "catalog.listRewards": [...staff, "member", "integration"],
  "redemption.redeem": [...staff, "member", "integration"],
  "redemption.listOrders": staff,
  "redemption.fulfilOrder": staff,
  "redemption.cancelOrder": staff,
  "coupons.list": [...staff, "member", "kiosk", "integration"],
  "coupons.use": [...staff, "integration"],
  "coupons.expire": [],
  "approvals.completeAction": ["member", ...staff],
  "approvals.list": staff,
  "approvals.decide": staff,
  /** A manual reward completed and approved at the desk on the patient's behalf. */
  "approvals.completeForMember": staff,
  "engagement.manageSurvey": admin,
  "engagement.listSurveyQuestions": [...staff, "kiosk"],
  "engagement.submitSurvey": [...staff, "kiosk"],
  "engagement.manageQrCodes": admin,
  "engagement.scanQr": ["member", "kiosk", ...staff],
  "engagement.manageReferrals": admin,
  "engagement.inviteReferral": ["member", ...staff],
  "engagement.convertReferral": [...staff],
  "engagement.manageMarketplace": admin,
  "engagement.participate": ["member"],
  "engagement.listEntries": staff,
  "engagement.drawWinner": admin,
  "engagement.submitReview": ["member"],
  "engagement.publishReview": staff,
  "engagement.list": [...staff, "member"],
  "checkin.checkIn": ["kiosk", ...staff],
  "reports.view": staff,
  "imports.invoices": ["admin", "integration"],
  "notifications.mailbox": admin,
} as const satisfies Record<string, readonly Principal[]>;

export type Action = keyof typeof permissions;

function principalOf(actor: Actor): Principal | "system" {
  return actor.kind === "staff" ? actor.role : actor.kind;
}

/** Throws FORBIDDEN unless the actor may do the action; the system actor may do anything. */
export function authorize(ctx: Ctx, action: Action): void {
  const who = principalOf(ctx.actor);
  if (who === "system") return;
  if (!(permissions[action] as readonly Principal[]).includes(who)) {
    throw new DomainError("FORBIDDEN", "You are not allowed to do this.", { action });
  }
}

/** A member acting for themself may only touch their own record. */
export function assertSelf(ctx: Ctx, memberId: string): void {
  if (ctx.actor.kind === "member" && ctx.actor.id !== memberId) {
    throw new DomainError("NOT_FOUND", "Member not found.");
  }
}

/** Every action a principal may do: what the apps show (the admin app hides every other button). */
export function actionsFor(principal: Principal): Action[] {
  return (Object.keys(permissions) as Action[]).filter((a) => (permissions[a] as readonly Principal[]).includes(principal));
}

export const can = (ctx: Ctx, action: Action) => {
  try {
    authorize(ctx, action);
    return true;
  } catch {
    return false;
  }
};
