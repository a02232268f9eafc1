import { describe, expect, test } from "vitest";
import { draftVersion } from "./draft-version.ts";

const v = (version: number, createdAt: string, active = false, publishedAt: string | null = null) => ({
  version,
  createdAt,
  active,
  publishedAt,
});

describe("draftVersion", () => {
  test("after a rollback to an earlier version, the draft is the active version, not the newer text", () => {
    const versions = [
      v(2, "2026-11-02T10:00:00Z", false, "2026-11-02T10:00:00Z"),
      v(1, "2026-11-01T10:00:00Z", true, "2026-11-03T09:00:00Z"),
    ];
    expect(draftVersion(versions)?.version).toBe(1);
  });
  test("a draft saved after the active version was published is the work in progress", () => {
    const versions = [
      v(3, "2026-11-04T10:00:00Z"),
      v(2, "2026-11-02T10:00:00Z", true, "2026-11-02T10:00:01Z"),
      v(1, "2026-11-01T10:00:00Z"),
    ];
    expect(draftVersion(versions)?.version).toBe(3);
  });
  test("nothing published: the newest; nothing saved: none", () => {
    expect(draftVersion([v(2, "2026-11-02T10:00:00Z"), v(1, "2026-11-01T10:00:00Z")])?.version).toBe(2);
    expect(draftVersion([])).toBeNull();
  });
});
