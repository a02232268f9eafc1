// The families cover the router: every procedure belongs to one family with its own security
// test file, and says who may call it (its kind, and for staff the action it does).
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audienceOf, families, PUBLIC, procedures } from "../../testing/procedures.ts";

describe("security families", () => {
  it("place every procedure in exactly one family", () => {
    const homes = (router: string) => Object.entries(families).filter(([, routers]) => (routers as readonly string[]).includes(router));
    const misplaced = [...new Set(procedures.map((p) => p.router))].filter((r) => homes(r).length !== 1);
    expect(misplaced).toEqual([]);
    expect(procedures.length).toBeGreaterThan(100);
  });

  it("have a security test file each", () => {
    const files = readdirSync(new URL(".", import.meta.url));
    expect(Object.keys(families).filter((f) => !files.includes(`${f}.test.ts`))).toEqual([]);
  });

  it("declare who may call each procedure", () => {
    expect(procedures.filter((p) => audienceOf(p) === undefined).map((p) => p.path)).toEqual([]);
    expect(procedures.filter((p) => audienceOf(p) === "public" && !PUBLIC.has(p.path)).map((p) => p.path)).toEqual([]);
    // An action no staff role may do is refused to all staff (events.record is the integration's).
    expect(procedures.filter((p) => p.kind === "staff" && (audienceOf(p) as string[]).length === 0).map((p) => p.path)).toEqual([
      "events.record",
    ]);
  });
});
