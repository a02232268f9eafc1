// The left navigation, by job (DESIGN.md). Each area names the action it is for (core
// permissions.ts); a person sees only the areas their role may use, so team members do not see the
// admin-only ones (whose pages also refuse them: requireAdmin). Labels are messages (messages/*.json),
// read when shown, so they are in the page's language.
import { m } from "#lib/paraglide/messages.js";

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
  {
    href: "/",
    get label() {
      return m.navDashboard();
    },
  },
  {
    href: "/members",
    get label() {
      return m.navMembers();
    },
    needs: "members.search",
  },
  {
    href: "/members/leads",
    get label() {
      return m.navLeads();
    },
    sub: true,
    needs: "members.listLeads",
  },
  {
    href: "/members/import",
    get label() {
      return m.navImportPatients();
    },
    sub: true,
    adminOnly: true,
    needs: "members.import",
  },
  {
    href: "/members/merge-suggestions",
    get label() {
      return m.navSuggestedMerges();
    },
    sub: true,
    adminOnly: true,
    needs: "members.reviewMerges",
  },
  {
    href: "/approvals",
    get label() {
      return m.navApprovals();
    },
    needs: "approvals.list",
  },
  {
    href: "/orders",
    get label() {
      return m.navOrders();
    },
    needs: "redemption.listOrders",
  },
  {
    href: "/messages",
    get label() {
      return m.navMessages();
    },
    needs: "messages.list",
  },
  {
    href: "/rules",
    get label() {
      return m.navRules();
    },
    adminOnly: true,
    needs: "rules.save",
  },
  {
    href: "/programs",
    get label() {
      return m.navPrograms();
    },
    adminOnly: true,
    needs: "practices.updateSettings",
  },
  {
    href: "/catalog",
    get label() {
      return m.navCatalog();
    },
    adminOnly: true,
    needs: "catalog.createReward",
  },
  {
    href: "/engagement",
    get label() {
      return m.navEngagement();
    },
    needs: "engagement.list",
  },
  {
    href: "/reviews",
    get label() {
      return m.navReviews();
    },
    sub: true,
    needs: "engagement.publishReview",
  },
  {
    href: "/reports",
    get label() {
      return m.navReports();
    },
    needs: "reports.view",
  },
  {
    href: "/imports",
    get label() {
      return m.navImports();
    },
    adminOnly: true,
    needs: "imports.invoices",
  },
  {
    href: "/settings",
    get label() {
      return m.navSettings();
    },
    adminOnly: true,
    needs: "practices.updateSettings",
  },
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
