import { describe, expect, test } from "vitest";
import { currentItem, navFor, navItems } from "./nav.ts";

// What auth.me answers for each role (core permissions.ts), for the areas of the navigation.
const teamCan = [
  "members.search",
  "members.listLeads",
  "approvals.list",
  "redemption.listOrders",
  "messages.list",
  "engagement.list",
  "engagement.publishReview",
  "reports.view",
  "rules.listVersions",
];
const adminCan = [
  ...teamCan,
  "members.import",
  "members.reviewMerges",
  "rules.save",
  "practices.updateSettings",
  "catalog.createReward",
  "imports.invoices",
];

describe("navigation", () => {
  test("team members do not see admin-only areas", () => {
    const labels = navFor({ role: "team_member", can: teamCan }).map((i) => i.label);
    expect(labels).toEqual(["Dashboard", "Members", "Leads", "Approvals", "Orders", "Messages", "Engagement", "Reviews", "Reports"]);
    expect(navFor({ role: "admin", can: adminCan }).map((i) => i.label)).toEqual(navItems.map((i) => i.label));
  });

  test("an area is shown only when its action is allowed, and admin-only areas only to admins", () => {
    // Even if a team member's role were granted an admin-only action, the page would refuse them.
    expect(navFor({ role: "team_member", can: [...teamCan, "rules.save"] }).map((i) => i.label)).not.toContain("Rules");
    expect(navFor({ role: "team_member", can: teamCan.filter((a) => a !== "reports.view") }).map((i) => i.label)).not.toContain("Reports");
    // Every admin-only area names an action.
    expect(navItems.filter((i) => i.adminOnly && !i.needs)).toEqual([]);
  });

  test("the current item is the longest matching prefix", () => {
    const items = navFor({ role: "admin", can: adminCan });
    expect(currentItem(items, "/")?.label).toBe("Dashboard");
    expect(currentItem(items, "/members/123")?.label).toBe("Members");
    expect(currentItem(items, "/members/leads")?.label).toBe("Leads");
    expect(currentItem(items, "/membersx")).toBeUndefined();
  });
});
