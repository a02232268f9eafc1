// The left navigation, by job (DESIGN.md). Each area names the action it is for (core
// permissions.ts); a person sees only the areas their role may use, so team members do not see the
// admin-only ones (whose pages also refuse them: requireAdmin).

export interface NavItem {
  href: string;
  label: string;
  /** Only for admins: the page calls requireAdmin. */
  adminOnly?: boolean;
  /** The action the area is for: shown only to people allowed to do it. */
  needs?: StaffAction;
  /** Shown indented under the item before it. */
  sub?: boolean;
}

export const navItems: NavItem[] = [
  { href: "/", label: "Dashboard" },
  { href: "/members", label: "Members", needs: "members.search" },
  { href: "/members/leads", label: "Leads", sub: true, needs: "members.listLeads" },
  { href: "/members/import", label: "Import patients", sub: true, adminOnly: true, needs: "members.import" },
  { href: "/members/merge-suggestions", label: "Suggested merges", sub: true, adminOnly: true, needs: "members.reviewMerges" },
  { href: "/approvals", label: "Approvals", needs: "approvals.list" },
  { href: "/orders", label: "Orders", needs: "redemption.listOrders" },
  { href: "/messages", label: "Messages", needs: "messages.list" },
  { href: "/rules", label: "Rules", adminOnly: true, needs: "rules.save" },
  { href: "/programs", label: "Programs", adminOnly: true, needs: "practices.updateSettings" },
  { href: "/catalog", label: "Catalog", adminOnly: true, needs: "catalog.createReward" },
  { href: "/engagement", label: "Engagement", needs: "engagement.list" },
  { href: "/reviews", label: "Reviews", sub: true, needs: "engagement.publishReview" },
  { href: "/reports", label: "Reports", needs: "reports.view" },
  { href: "/imports", label: "Imports", adminOnly: true, needs: "imports.invoices" },
  { href: "/settings", label: "Settings", adminOnly: true, needs: "practices.updateSettings" },
];

/** The areas this person may use: admin-only ones for admins, and each only when its action is allowed. */
export function navFor(staff: { role: "admin" | "team_member"; can: readonly string[] }): NavItem[] {
  return navItems.filter((item) => (staff.role === "admin" || !item.adminOnly) && (!item.needs || staff.can.includes(item.needs)));
}

/** Whether `href` is the current section: exact for the dashboard, otherwise by prefix, preferring the longest match. */
export function currentItem(items: NavItem[], pathname: string): NavItem | undefined {
  let best: NavItem | undefined;
  for (const item of items) {
    const hit = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
    if (hit && (!best || item.href.length > best.href.length)) best = item;
  }
  return best;
}
