// The tabs of the program, catalog and engagement areas. A tab that names an action (core
// permissions.ts) is shown only to people allowed to do it (SubNav).

export interface Tab {
  href: string;
  label: string;
  needs?: StaffAction;
}
export const programTabs: Tab[] = [
  { href: "/programs", label: "Settings" },
  { href: "/programs/eligible-items", label: "Eligible items" },
  { href: "/programs/survey", label: "Compliance survey" },
];

export const catalogTabs: Tab[] = [
  { href: "/catalog", label: "Rewards" },
  { href: "/catalog/coupons", label: "Coupons" },
];

export const engagementTabs: Tab[] = [
  { href: "/engagement", label: "Overview" },
  { href: "/engagement/qr-codes", label: "QR codes", needs: "engagement.manageQrCodes" },
  { href: "/engagement/referrals", label: "Referral campaigns" },
  { href: "/engagement/marketplace", label: "Marketplace" },
];
