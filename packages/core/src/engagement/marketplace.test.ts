// Marketplace entries (issue 15): an empty contest entry earns nothing, a survey is a form with
// several questions, staff list the entries and draw a winner that can be replayed from its seed;
// published reviews are on the practice's public page.
import { auditLog, practices } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "../ledger/balance.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { drawWinner, listActivityEntries, participate, pickWinner, saveActivity } from "./marketplace.ts";
import { publicReviews, publishReview, submitReview } from "./reviews.ts";

const rules = `reward "Took part" on marketplace.participated { award 5 points }
reward "Review" on review.posted { award 1 point }`;

describe("marketplace entries, draws and public reviews", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ids: string[];
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    const ms = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Bell" },
      { firstName: "Ben", lastName: "Cole" },
      { firstName: "Cy", lastName: "Dunn" },
      { firstName: "Di", lastName: "Eve" },
    ]);
    ids = ms.map((m) => m.id);
  });
  afterAll(() => t?.dispose());

  const balance = async (id: string) => (await getBalance({ ctx: p.team, input: { memberId: id } })).balance;

  it("an empty contest entry is refused with a message and earns nothing; an entry with content earns", async () => {
    const contest = await saveActivity({ ctx: p.admin, input: { kind: "contest", title: "Smile photo contest" } });
    const [ana] = ids;
    for (const response of ["", "   \n "]) {
      await expect(
        participate({ ctx: p.asMember(ana!), input: { memberId: ana!, activityId: contest.id, response } }),
      ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/empty.*earns no points/) });
    }
    expect(await balance(ana!)).toBe(0);
    const ok = await participate({ ctx: p.asMember(ana!), input: { memberId: ana!, activityId: contest.id, response: " my photo " } });
    expect(ok.awards.map((a) => a.points)).toEqual([5]);
    expect(await balance(ana!)).toBe(5);
  });

  it("a survey is a form: it needs questions, and every question an answer", async () => {
    await expect(saveActivity({ ctx: p.admin, input: { kind: "survey", title: "How did we do?" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const questions = [
      "Was it easy to book?",
      "Were you seen on time?",
      "Was the room clean?",
      "Did we explain the cost?",
      "Anything else?",
    ];
    const survey = await saveActivity({ ctx: p.admin, input: { kind: "survey", title: "How did we do?", questions } });
    expect(survey.questions).toEqual(questions);
    const ben = ids[1]!;
    await expect(
      participate({ ctx: p.asMember(ben), input: { memberId: ben, activityId: survey.id, answers: ["Yes", "", "Yes"] } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: "Answer questions 2, 4, 5 too: every question needs an answer." });
    // One text box's worth is not an answer to five questions.
    await expect(
      participate({ ctx: p.asMember(ben), input: { memberId: ben, activityId: survey.id, response: "all good" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await balance(ben)).toBe(0);
    const answers = ["Yes", "Mostly", "Very", "Yes", "No"];
    await participate({ ctx: p.asMember(ben), input: { memberId: ben, activityId: survey.id, answers } });
    expect(await balance(ben)).toBe(5);
    const listed = await listActivityEntries({ ctx: p.team, input: { activityId: survey.id } });
    expect(listed.entries.map((e) => [e.name, e.answers])).toEqual([["Ben Cole", answers]]);
  });

  it("staff list a contest's entries; an admin's draw records its seed and replays to the same winner", async () => {
    const contest = await saveActivity({ ctx: p.admin, input: { kind: "contest", title: "Caption contest" } });
    for (const [i, id] of ids.entries())
      await participate({ ctx: p.asMember(id), input: { memberId: id, activityId: contest.id, response: `caption ${i}` } });
    const listed = await listActivityEntries({ ctx: p.team, input: { activityId: contest.id } });
    expect(listed.entries.map((e) => e.response)).toEqual(["caption 0", "caption 1", "caption 2", "caption 3"]);
    expect(listed.draws).toEqual([]);

    await expect(drawWinner({ ctx: p.team, input: { activityId: contest.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const draw = await drawWinner({ ctx: p.admin, input: { activityId: contest.id } });
    expect(draw).toMatchObject({ entrants: 4, replay: false });
    expect(draw.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(ids).toContain(draw.winnerMemberId);

    // The audit log keeps the seed; the entries page shows the draw.
    const [row] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, p.id), eq(auditLog.action, "engagement.drawWinner")));
    expect(row!.details).toMatchObject({ seed: draw.seed, winnerEntryId: draw.winnerEntryId, entrants: 4 });
    const after = await listActivityEntries({ ctx: p.team, input: { activityId: contest.id } });
    expect(after.draws.map((d) => [d.seed, d.winnerName])).toEqual([[draw.seed, draw.winnerName]]);

    // Replaying with the recorded seed picks the same entry and records nothing.
    for (let i = 0; i < 3; i++) {
      const replay = await drawWinner({ ctx: p.admin, input: { activityId: contest.id, seed: draw.seed } });
      expect(replay).toMatchObject({ replay: true, winnerEntryId: draw.winnerEntryId, entrantsDigest: draw.entrantsDigest });
    }
    expect((await listActivityEntries({ ctx: p.team, input: { activityId: contest.id } })).draws).toHaveLength(1);
  });

  it("pickWinner is a pure function of the seed and the entries, and spreads over all of them", () => {
    const entries = ["a", "b", "c", "d", "e"];
    expect(pickWinner("00ff", entries)).toEqual(pickWinner("00ff", entries));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(pickWinner(i.toString(16).padStart(8, "0"), entries).index);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => pickWinner("00ff", [])).toThrow(/Nobody has entered/);
  });

  it("published reviews appear on the practice's public page, with the author's first name and initial only", async () => {
    const [ana, ben] = ids;
    const a = await submitReview({ ctx: p.asMember(ana!), input: { memberId: ana!, rating: 5, body: "Lovely staff" } });
    await submitReview({ ctx: p.asMember(ben!), input: { memberId: ben!, rating: 2, body: "Not published" } });
    const [{ slug }] = (await t.db.select({ slug: practices.slug }).from(practices).where(eq(practices.id, p.id))) as [{ slug: string }];
    expect((await publicReviews(t.db, slug))!.reviews).toEqual([]);
    await publishReview({ ctx: p.team, input: { id: a.review.id } });
    const page = await publicReviews(t.db, slug);
    expect(page!.reviews.map((r) => [r.author, r.rating, r.body])).toEqual([["Ana B.", 5, "Lovely staff"]]);
    expect(page!.average).toBe(5);
    expect(JSON.stringify(page)).not.toContain("Bell");
    expect(await publicReviews(t.db, "no-such-practice")).toBeNull();
  });
});
