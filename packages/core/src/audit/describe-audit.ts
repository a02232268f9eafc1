// The audit log in words: each row as a short title ("Points adjusted") and the facts that matter
// ("Member: Ana Bell", "Points: -50", "Note: goodwill"), never raw JSON, ids or code names.
// Dates and numbers are typed so the page formats them with the one formatter (@tally/ui/format),
// in the practice's timezone and locale.

export interface AuditFact {
  label: string;
  value: string | number | boolean;
  /** How the page shows the value: a moment, points, cents, a check-in method, or text as given. */
  type?: "date" | "points" | "cents" | "method" | "text";
}

export interface AuditLine {
  title: string;
  facts: AuditFact[];
}

const titles: Record<string, string> = {
  "apiKeys.create": "API key created",
  "apiKeys.revoke": "API key revoked",
  "apiKeys.rotate": "API key rotated",
  "webhooks.create": "Webhook endpoint added",
  "webhooks.update": "Webhook endpoint changed",
  "webhooks.delete": "Webhook endpoint removed",
  "webhooks.rotateSecret": "Webhook signing secret rotated",
  "webhooks.redeliver": "Webhook delivery sent again",
  "approvals.completeAction": "Patient completed an action",
  "approvals.completeForMember": "Action rewarded at the desk",
  "approvals.decide": "Request decided",
  "auth.changePassword": "Password changed",
  "auth.member.resetPassword": "Patient reset their password",
  "auth.memberSignIn": "Patient signed in",
  "auth.setMemberPassword": "Patient password set",
  "auth.signIn": "Staff signed in",
  "catalog.createReward": "Reward added",
  "catalog.deleteReward": "Reward removed",
  "catalog.enableAllEligibleItems": "All billing codes made eligible",
  "catalog.setEligibleItem": "Billing code changed",
  "catalog.updateReward": "Reward changed",
  "catalog.upsertEligibleItems": "Billing codes imported",
  "checkin.checkIn": "Check-in",
  "coupons.expire": "Coupons expired",
  "coupons.use": "Coupon used",
  "engagement.convertReferral": "Referral joined",
  "engagement.createQrCode": "QR code created",
  "engagement.createReferralCampaign": "Referral campaign created",
  "engagement.drawWinner": "Winner drawn",
  "engagement.endReferralCampaign": "Referral campaign ended",
  "engagement.inviteReferral": "Friend invited",
  "engagement.participate": "Patient took part in an activity",
  "engagement.publishReview": "Review published or hidden",
  "engagement.saveActivity": "Marketplace activity saved",
  "engagement.saveSurveyQuestion": "Survey question saved",
  "engagement.scanQr": "QR code scanned",
  "engagement.setQrCodeActive": "QR code turned on or off",
  "engagement.submitReview": "Review written",
  "engagement.submitSurvey": "Survey taken",
  "engagement.updateReferralCampaign": "Referral campaign changed",
  "events.record": "Event recorded",
  "imports.invoices": "Invoices imported",
  "kiosk.createPairing": "Kiosk pairing code created",
  "kiosk.lockout": "Kiosk locked after wrong attempts",
  "kiosk.revoke": "Kiosk removed",
  "kiosk.setQrReader": "Kiosk scanner setting changed",
  "kiosk.unlockDevice": "Kiosk unlocked",
  "ledger.adjustPoints": "Points adjusted",
  "ledger.shortfall": "Points owed after a correction",
  "members.acceptInvitation": "Patient accepted an invitation",
  "members.connectCard": "Card connected",
  "members.convertLead": "Sign-up confirmed",
  "members.create": "Member added",
  "members.createInvitation": "Invitation sent",
  "members.import": "Patients imported",
  "members.keepApart": "Possible duplicates kept apart",
  "members.merge": "Members merged",
  "members.recordConsent": "Consent recorded",
  "members.recordFirstLogin": "Patient signed in for the first time",
  "members.registerLead": "Patient signed up",
  "members.runBirthdays": "Birthday points given",
  "members.setEmailUpdates": "Email updates turned on or off",
  "members.setLanguage": "Language chosen",
  "members.setTags": "Tags changed",
  "members.update": "Member details changed",
  "practices.create": "Practice created",
  "practices.createLocation": "Location added",
  "practices.removeLogo": "Logo removed",
  "practices.setDefault": "Default practice changed",
  "practices.setLogo": "Logo changed",
  "practices.updateLocation": "Location changed",
  "practices.updateSettings": "Program settings changed",
  "redemption.fulfilOrder": "Order fulfilled",
  "redemption.cancelOrder": "Order cancelled, points refunded",
  "redemption.giftCardIssued": "Gift card issued",
  "redemption.redeem": "Points redeemed",
  "rules.publish": "Rules published",
  "rules.save": "Rules saved",
  "staff.create": "Staff member added",
  "staff.resetPassword": "Staff password reset",
  "staff.setRole": "Staff role changed",
};

/** Every action the log names, with its title, sorted by title (the log's filter offers them). */
export function auditActions(): { action: string; title: string }[] {
  return Object.entries(titles)
    .map(([action, title]) => ({ action, title }))
    .sort((a, b) => a.title.localeCompare(b.title));
}

/** "engagement.saveActivity" -> "Save activity" for an action this table does not know yet. */
function wordsOf(code: string): string {
  const last = code.split(".").at(-1) ?? code;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Detail keys in words, with how their values read; keys not listed read as words of the key. */
const keys: Record<string, { label: string; type?: AuditFact["type"]; hide?: true }> = {
  memberId: { label: "Member" },
  sourceId: { label: "Merged from" },
  winnerMemberId: { label: "Winner" },
  coupon: { label: "Coupon" },
  points: { label: "Points", type: "points" },
  pointsPrice: { label: "Price", type: "points" },
  pointsMoved: { label: "Points moved", type: "points" },
  pointsEarned: { label: "Points earned", type: "points" },
  balance: { label: "Balance", type: "points" },
  method: { label: "Method", type: "method" },
  at: { label: "At", type: "date" },
  expiresAt: { label: "Expires", type: "date" },
  drawnAt: { label: "Drawn", type: "date" },
  valueCents: { label: "Value", type: "cents" },
  rating: { label: "Stars" },
  publish: { label: "Published" },
  active: { label: "On" },
  enabled: { label: "On" },
  full: { label: "Full consent" },
  note: { label: "Note" },
  reason: { label: "Reason" },
  rule: { label: "Rule" },
  title: { label: "Title" },
  name: { label: "Name" },
  email: { label: "Email" },
  role: { label: "Role" },
  from: { label: "From" },
  to: { label: "To" },
  version: { label: "Version" },
  campaign: { label: "Campaign" },
  decision: { label: "Decision" },
  status: { label: "Status" },
  kind: { label: "Kind" },
  seed: { label: "Seed" },
  entrants: { label: "Entries" },
  expired: { label: "Expired" },
  members: { label: "Members" },
  count: { label: "Count" },
  codes: { label: "Billing codes" },
  tags: { label: "Tags" },
  add: { label: "Added" },
  remove: { label: "Removed" },
  cardNumber: { label: "Card" },
  winnerName: { label: "Winner", hide: true },
};

/** Values that are codes: shown in words. */
const valueWords: Record<string, string> = {
  team_member: "team member",
  admin: "admin",
  approve: "approved",
  reject: "rejected",
  contest: "contest",
  survey: "survey",
  social_post: "social post",
  gift_card: "gift card",
  in_house: "in-house prize",
  coupon: "coupon",
};

// Internal references a person cannot use (ids, digests, keys): left out of the line.
const internal = /(^id$|Id$|Ids$|^event$|Digest$|^reference$|^prefix$|^device$|Bytes$|^provider$|^attempts$|^source$)/;

/** A moment ("2026-12-01T15:00:00Z") or a calendar day ("2026-12-01"). */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}|$)/;

export interface AuditNames {
  /** Member names by id. */
  members?: ReadonlyMap<string, string>;
  /** Coupon display names by code. */
  coupons?: ReadonlyMap<string, string>;
}

/** The ids a line would name: look their names up before describing. */
export function auditMemberIds(details: unknown, target?: AuditTarget): string[] {
  const own = target?.targetType === "member" && target.targetId ? [target.targetId] : [];
  if (!details || typeof details !== "object") return own;
  const d = details as Record<string, unknown>;
  return [...own, ...["memberId", "sourceId", "winnerMemberId"].flatMap((k) => (typeof d[k] === "string" ? [d[k] as string] : []))];
}

/** What the row is about: a member row names the member first. */
export interface AuditTarget {
  targetType: string | null;
  targetId: string | null;
}

export function describeAudit(action: string, details: unknown, names: AuditNames = {}, target?: AuditTarget): AuditLine {
  const title = titles[action] ?? wordsOf(action);
  const facts: AuditFact[] = [];
  const d = details && typeof details === "object" ? (details as Record<string, unknown>) : {};
  if (target?.targetType === "member" && target.targetId && typeof d.memberId !== "string")
    facts.push({ label: "Member", value: names.members?.get(target.targetId) ?? "a member no longer listed" });
  if (!details || typeof details !== "object") return { title, facts };
  // In the table's order (the database does not keep the order details were written in).
  const order = Object.keys(keys);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const entries = Object.entries(details as Record<string, unknown>).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  for (const [key, raw] of entries) {
    const known = keys[key];
    if (known?.hide || raw == null || raw === "" || (Array.isArray(raw) && raw.length === 0)) continue;
    if (!known && internal.test(key)) continue;
    const label = known?.label ?? wordsOf(key);
    if (key === "memberId" || key === "sourceId" || key === "winnerMemberId") {
      const name = names.members?.get(String(raw)) ?? (key === "winnerMemberId" ? (details as Record<string, unknown>).winnerName : null);
      facts.push({ label, value: typeof name === "string" ? name : "a member no longer listed" });
      continue;
    }
    if (key === "coupon" && typeof raw === "string") {
      facts.push({ label, value: names.coupons?.get(raw) ?? wordsOf(raw) });
      continue;
    }
    if (Array.isArray(raw)) {
      facts.push({ label, value: raw.map((v) => (typeof v === "object" ? "…" : String(v))).join(", ") });
      continue;
    }
    if (typeof raw === "object") continue; // nested structures (import summaries) stay out of a one-line view
    if (typeof raw === "boolean") {
      facts.push({ label, value: raw ? "yes" : "no" });
      continue;
    }
    if (typeof raw === "string" && ISO.test(raw)) {
      facts.push({ label, value: raw, type: "date" });
      continue;
    }
    const type = known?.type ?? "text";
    if (typeof raw === "string") facts.push({ label, value: valueWords[raw] ?? raw, type });
    else facts.push({ label, value: raw as number, type });
  }
  return { title, facts };
}
