// The tabs of the program, catalog and engagement areas.
export const programTabs = [
  { href: "/programs", label: "Settings" },
  { href: "/programs/eligible-items", label: "Eligible items" },
  { href: "/programs/survey", label: "Compliance survey" },
];

export const catalogTabs = [
  { href: "/catalog", label: "Rewards" },
  { href: "/catalog/coupons", label: "Coupons" },
];

export const engagementTabs = [
  { href: "/engagement", label: "Overview" },
  { href: "/engagement/qr-codes", label: "QR codes" },
  { href: "/engagement/referrals", label: "Referral campaigns" },
  { href: "/engagement/marketplace", label: "Marketplace" },
];
