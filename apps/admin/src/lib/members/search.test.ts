import { describe, expect, it } from "vitest";
import { memberCountLabel, searchPages } from "./search.ts";

describe("member list count", () => {
  it("names the count, with 1,000+ when the search stopped counting", () => {
    expect(memberCountLabel({ total: 0 })).toBe("0 members");
    expect(memberCountLabel({ total: 1, totalCapped: false })).toBe("1 member");
    expect(memberCountLabel({ total: 999, totalCapped: false })).toBe("999 members");
    expect(memberCountLabel({ total: 1000, totalCapped: false })).toBe("1,000 members");
    expect(memberCountLabel({ total: 1000, totalCapped: true })).toBe("1,000+ members");
  });

  it("pages: known pages, 40+ when capped, a next page while more follow", () => {
    expect(searchPages({ total: 60, totalCapped: false, page: 1, pageSize: 25 })).toEqual({ pages: 3, label: "3", next: true });
    expect(searchPages({ total: 60, totalCapped: false, page: 3, pageSize: 25 })).toEqual({ pages: 3, label: "3", next: false });
    expect(searchPages({ total: 0, page: 1, pageSize: 25 })).toEqual({ pages: 1, label: "1", next: false });
    expect(searchPages({ total: 1000, totalCapped: true, page: 1, pageSize: 25 })).toEqual({ pages: 40, label: "40+", next: true });
    // Past the cap the count reaches the page asked for, and goes on while capped.
    expect(searchPages({ total: 1025, totalCapped: true, page: 41, pageSize: 25 })).toEqual({ pages: 41, label: "41+", next: true });
  });
});
