import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { listTags } from "./list-tags.ts";

describe("listTags", () => {
  let t: TestDatabase;
  let a: TestPractice;
  let b: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    a = await makePractice(t);
    b = await makePractice(t);
    await makeMembers(t, a.id, [
      { tags: ["vip", "braces"] },
      { tags: ["braces"] },
      { tags: ["aligners", "braces"] },
      { tags: [] },
      { tags: ["lead-only"], status: "lead" },
      { tags: ["merged-only"], status: "merged" },
    ]);
    await makeMembers(t, b.id, [{ tags: ["dog", "braces"] }, { tags: ["cat"] }]);
  });
  afterAll(() => t?.dispose());

  it("lists the practice's distinct member tags with counts, sorted by name", async () => {
    expect(await listTags({ ctx: a.team })).toEqual([
      { name: "aligners", count: 1 },
      { name: "braces", count: 3 },
      { name: "vip", count: 1 },
    ]);
    expect(await listTags({ ctx: b.admin })).toEqual([
      { name: "braces", count: 1 },
      { name: "cat", count: 1 },
      { name: "dog", count: 1 },
    ]);
  });

  it("never shows another practice's tags", async () => {
    const names = (await listTags({ ctx: a.team })).map((x) => x.name);
    expect(names).not.toContain("dog");
    expect(names).not.toContain("cat");
    const fresh = await makePractice(t);
    expect(await listTags({ ctx: fresh.admin })).toEqual([]);
  });

  it("is for staff only", async () => {
    await expect(listTags({ ctx: a.kiosk })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listTags({ ctx: a.asMember("00000000-0000-4000-8000-000000000000") })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
