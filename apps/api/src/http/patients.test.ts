import { members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";

describe("patients: PUT /api/v1/members/{pmsId} and the CSV import", () => {
  let h: Harness;
  let admin: TestClient;
  let key: string;
  let otherKey: string;
  const put = (pmsId: string, body: unknown, token = key) =>
    h.request(`/api/v1/members/${encodeURIComponent(pmsId)}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    key = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    otherKey = (await (await h.staff("admin", "paws-claws")).apiKeys.create.mutate({ name: "PMS" })).key;
  });
  afterAll(async () => h?.dispose());

  it("creates, then updates, then changes nothing; the other practice's key creates its own", async () => {
    const body = {
      firstName: "Zoe",
      lastName: "Quinn",
      email: "zoe@q.test",
      phone: "(312) 555-0142",
      birthDate: "2001-07-04",
      tags: ["braces"],
    };
    const created = await put("PUT-1", body);
    expect(created.status).toBe(201);
    const json = (await created.json()) as { outcome: string; member: { id: string; phone: string } };
    expect(json).toMatchObject({ outcome: "created", member: { phone: "3125550142" } });
    const same = await put("PUT-1", body);
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ outcome: "unchanged", member: { id: json.member.id } });
    const changed = await put("PUT-1", { ...body, cardNumber: "7000 1234" });
    expect(await changed.json()).toMatchObject({ outcome: "updated", changes: ["card number"], member: { cardNumber: "70001234" } });
    expect((await put("PUT-1", body, otherKey)).status).toBe(201);
    const rows = await h.t.db.select().from(members).where(eq(members.externalId, "PUT-1"));
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.practiceId)).size).toBe(2);

    // Invoice imports find the upserted patient by its PMS id.
    const invoices = await h.request("/api/v1/invoices", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: "PUT-1",
            invoiceId: "PUT-INV-1",
            date: "2026-03-01",
            status: "paid",
            lines: [{ code: "CLEAN", amount: "80.00" }],
          },
        ],
      }),
    });
    expect(await invoices.json()).toMatchObject({ imported: 1, rowErrors: [] });
  });

  it("answers bad input with the row rules' messages, and refuses without a key or with a staff cookie", async () => {
    const bad = await put("PUT-2", { firstName: "", lastName: "Ray", email: "nope", birthDate: "1990-02-31" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: "INVALID_INPUT",
        message:
          "first name is missing; email “nope” is not an email address; birth date “1990-02-31” is not a date on the calendar (use YYYY-MM-DD or MM/DD/YYYY).",
      },
    });
    expect((await put("PUT-2", { firstName: "A", lastName: "B" }, "tly_wrong")).status).toBe(401);
    const cookie = await h.request("/api/v1/members/PUT-2", {
      method: "PUT",
      headers: { cookie: admin.cookieHeader(), "content-type": "application/json" },
      body: JSON.stringify({ firstName: "A", lastName: "B" }),
    });
    expect(cookie.status).toBe(401);
    expect(
      (
        await h.t.db
          .select()
          .from(members)
          .where(and(eq(members.externalId, "PUT-2"), eq(members.practiceId, h.practiceIds["bright-smiles"]!)))
      ).length,
    ).toBe(0);
  });

  it("stages a CSV for an admin, dry-runs and imports it through tRPC; a team member may not", async () => {
    const csv = "Ref No,First,Last,E-mail\nC-1,Amy,Stone,amy@s.test\nC-2,,Stone,\n";
    const staged = await h.request("/api/v1/patient-imports?name=pms.csv", {
      method: "POST",
      headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
      body: csv,
    });
    expect(staged.status).toBe(201);
    const view = (await staged.json()) as { id: string; total: number; mapping: Record<string, string | null> };
    expect(view).toMatchObject({ total: 2, mapping: { firstName: "First", lastName: "Last", email: "E-mail", pmsId: null } });
    const mapping = { ...view.mapping, pmsId: "Ref No" };
    const dry = await admin.patientImports.dryRun.mutate({ id: view.id, mapping });
    expect(dry).toMatchObject({ created: 1, rejected: 1, errors: [{ row: 3, message: "first name is missing" }] });
    await admin.patientImports.start.mutate({ id: view.id, mapping });
    let progress = await admin.patientImports.progress.query({ id: view.id });
    for (let i = 0; i < 50 && progress.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = await admin.patientImports.progress.query({ id: view.id });
    }
    expect(progress).toMatchObject({ status: "done", processed: 2, result: { created: 1, rejected: 1 } });

    const team = await h.staff("team_member");
    const refused = await h.request("/api/v1/patient-imports", {
      method: "POST",
      headers: { cookie: team.cookieHeader(), "content-type": "text/csv" },
      body: csv,
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { message: "Only an admin can import patients." } });
    await expect(team.patientImports.suggestions.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});
