import { describe, expect, test } from "vitest";
import { currentItem, navFor } from "./nav.ts";

describe("navigation", () => {
  test("team members do not see admin-only areas", () => {
    const labels = navFor("team_member").map((i) => i.label);
    expect(labels).toContain("Members");
    expect(labels).toContain("Approvals");
    expect(labels).not.toContain("Rules");
    expect(labels).not.toContain("Settings");
    expect(navFor("admin").map((i) => i.label)).toContain("Settings");
  });

  test("the current item is the longest matching prefix", () => {
    const items = navFor("admin");
    expect(currentItem(items, "/")?.label).toBe("Dashboard");
    expect(currentItem(items, "/members/123")?.label).toBe("Members");
    expect(currentItem(items, "/members/leads")?.label).toBe("Leads");
    expect(currentItem(items, "/membersx")).toBeUndefined();
  });
});
