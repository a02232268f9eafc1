// The left navigation, by job (DESIGN.md). Team members do not see the admin-only areas.

export interface NavItem {
  href: string;
  label: string;
  adminOnly?: boolean;
  /** Shown indented under the item before it. */
  sub?: boolean;
}

export const navItems: NavItem[] = [
  { href: "/", label: "Dashboard" },
  { href: "/members", label: "Members" },
  { href: "/members/leads", label: "Leads", sub: true },
  { href: "/members/import", label: "Import patients", sub: true, adminOnly: true },
  { href: "/members/merge-suggestions", label: "Suggested merges", sub: true, adminOnly: true },
  { href: "/approvals", label: "Approvals" },
  { href: "/orders", label: "Orders" },
  { href: "/rules", label: "Rules", adminOnly: true },
  { href: "/programs", label: "Programs", adminOnly: true },
  { href: "/catalog", label: "Catalog", adminOnly: true },
  { href: "/engagement", label: "Engagement" },
  { href: "/reviews", label: "Reviews", sub: true },
  { href: "/reports", label: "Reports" },
  { href: "/imports", label: "Imports", adminOnly: true },
  { href: "/settings", label: "Settings", adminOnly: true },
];

export function navFor(role: "admin" | "team_member"): NavItem[] {
  return navItems.filter((item) => role === "admin" || !item.adminOnly);
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
