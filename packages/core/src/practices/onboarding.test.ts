import { auditLog, installation, practices, setupTokens, staffUsers } from "@tally/db";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemCtx } from "../context.ts";
import { verifyPassword } from "../passwords.ts";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { getLogo, removeLogo, setLogo } from "./logo.ts";
import {
  completeSetup,
  createPractice,
  installDefaultPractice,
  issueSetupToken,
  listAllPractices,
  setDefaultPractice,
  setDefaultPracticeBySlug,
  setupStatus,
} from "./onboarding.ts";
import { getPractice, getPublicPractice, updateSettings } from "./practices.ts";

const setupInput = (token: string, slug = "first-smiles") => ({
  token,
  practice: { name: "First Smiles", slug, timezone: "America/New_York" },
  admin: { name: "Dr. Ada Park", email: "Ada@First.test", password: "a long enough password" },
});

describe("first-run setup (empty database)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  it("issues a token only while there is no practice; a wrong, expired or used token is refused; the token is single use", async () => {
    expect(await setupStatus(t.db)).toEqual({ needed: true });
    const expired = await issueSetupToken(t.db, { now: new Date(Date.now() - 48 * 3600_000) });
    const issued = await issueSetupToken(t.db);
    expect(issued?.token).toMatch(/^setup_/);
    // Only the hash is kept.
    const stored = await t.db.select().from(setupTokens);
    expect(stored.map((s) => s.tokenHash)).not.toContain(issued!.token);

    await expect(completeSetup(t.db, setupInput("setup_not-a-real-token"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(completeSetup(t.db, setupInput(expired!.token))).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Bad input is refused before the token is spent.
    await expect(
      completeSetup(t.db, { ...setupInput(issued!.token), practice: { name: "X", slug: "x", timezone: "Mars/Base" } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(
      completeSetup(t.db, { ...setupInput(issued!.token), admin: { name: "A", email: "a@b.test", password: "short" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });

    const done = await completeSetup(t.db, setupInput(issued!.token));
    expect(done.token).toMatch(/^s_/);
    expect(done.practice.slug).toBe("first-smiles");
    const [admin] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, done.staff.id));
    expect(admin).toMatchObject({ email: "ada@first.test", role: "admin", mustChangePassword: false, practiceId: done.practice.id });
    expect(await verifyPassword(admin!.passwordHash, "a long enough password")).toBe(true);
    const [p] = await t.db.select().from(practices).where(eq(practices.id, done.practice.id));
    expect(p).toMatchObject({ name: "First Smiles", timezone: "America/New_York", status: "test" });
    expect(await installDefaultPractice(t.db)).toEqual({ slug: "first-smiles", name: "First Smiles" });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.practiceId, done.practice.id));
    expect(audits.map((a) => a.action).sort()).toEqual(["practices.create", "staff.create"]);

    // Used once: the same token (or a new one) cannot set up a second practice.
    await expect(completeSetup(t.db, setupInput(issued!.token, "again"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await issueSetupToken(t.db)).toBeNull();
    expect(await setupStatus(t.db)).toEqual({ needed: false });
  });
});

describe("practice create (operator CLI)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("creates the practice and an admin with a temporary password to change at first sign-in", async () => {
    const r = await createPractice({
      ctx: systemCtx(t.db, p.id),
      input: { name: "North Vet", slug: "North-Vet", timezone: "America/Denver", adminEmail: "Boss@North.test" },
    });
    expect(r.practice).toMatchObject({ slug: "north-vet", name: "North Vet", timezone: "America/Denver" });
    expect(r.temporaryPassword.length).toBeGreaterThanOrEqual(12);
    const [admin] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, r.admin.id));
    expect(admin).toMatchObject({ email: "boss@north.test", role: "admin", mustChangePassword: true });
    expect(await verifyPassword(admin!.passwordHash, r.temporaryPassword)).toBe(true);
    expect((await listAllPractices(t.db)).map((x) => x.slug)).toContain("north-vet");
  });

  it("refuses staff (even an admin), a taken slug and bad input", async () => {
    const input = { name: "Other", slug: "other-one", timezone: "UTC", adminEmail: "o@o.test" };
    await expect(createPractice({ ctx: p.admin, input })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createPractice({ ctx: p.team, input })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createPractice({ ctx: systemCtx(t.db, p.id), input: { ...input, slug: "north-vet" } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    for (const bad of [{ slug: "No Spaces" }, { timezone: "Central" }, { adminEmail: "not-an-email" }, { name: "" }]) {
      await expect(createPractice({ ctx: systemCtx(t.db, p.id), input: { ...input, ...bad } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    }
  });
});

describe("practice settings, logo and the install default", () => {
  let t: TestDatabase;
  let a: TestPractice;
  let b: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    a = await makePractice(t);
    b = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("an admin updates name, timezone, address, phone and point cost of their own practice only, audited", async () => {
    const r = await updateSettings({
      ctx: a.admin,
      input: {
        name: "Renamed",
        timezone: "Europe/Madrid",
        address: "1 Main St, Springfield",
        phone: "(555) 010-0101",
        pointCostCentiCents: 250,
      },
    });
    expect(r).toMatchObject({ name: "Renamed", timezone: "Europe/Madrid", address: "1 Main St, Springfield", phone: "(555) 010-0101" });
    const other = await getPractice({ ctx: b.admin });
    expect(other.name).not.toBe("Renamed");
    const [row] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, a.id), eq(auditLog.action, "practices.updateSettings")));
    expect(row?.details).toMatchObject({ timezone: { to: "Europe/Madrid" }, pointCostCentiCents: { to: 250 } });
  });

  it("refuses a team member and bad input", async () => {
    await expect(updateSettings({ ctx: a.team, input: { name: "Nope" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(updateSettings({ ctx: a.admin, input: { timezone: "Not/AZone" } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(updateSettings({ ctx: a.admin, input: { phone: "1".repeat(80) } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("resizes an uploaded logo to at most 512 px WebP, serves it by practice, and refuses non-images and team members", async () => {
    const png = await sharp({ create: { width: 1600, height: 800, channels: 4, background: "#0f766e" } })
      .png()
      .toBuffer();
    const r = await setLogo({ ctx: a.admin, input: { data: png } });
    expect(r).toMatchObject({ width: 512, height: 256 });
    expect(r.url).toMatch(new RegExp(`^/media/logo/${a.id}\\?v=\\d+$`));
    const stored = await getLogo(t.db, a.id);
    expect(stored?.contentType).toBe("image/webp");
    expect((await sharp(stored!.data).metadata()).format).toBe("webp");
    expect((await getPractice({ ctx: a.team })).logoUrl).toBe(r.url);
    expect(await getLogo(t.db, b.id)).toBeNull();
    const slug = (await getPractice({ ctx: a.admin })).slug;
    expect((await getPublicPractice({ db: t.db, input: { slug } })).logoUrl).toBe(r.url);

    await expect(setLogo({ ctx: a.team, input: { data: png } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setLogo({ ctx: a.admin, input: { data: new TextEncoder().encode("not an image") } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(setLogo({ ctx: a.admin, input: { data: new Uint8Array(6 * 1024 * 1024) } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    // Another practice's admin removes only their own (absent) logo.
    expect(await removeLogo({ ctx: b.admin })).toEqual({ removed: false });
    expect(await getLogo(t.db, a.id)).not.toBeNull();
    expect(await removeLogo({ ctx: a.admin })).toEqual({ removed: true });
    expect((await getPractice({ ctx: a.admin })).logoUrl).toBeNull();
  });

  it("the default practice: none chosen among several; an admin claims it; another practice cannot take it; the operator can", async () => {
    expect(await installDefaultPractice(t.db)).toBeNull();
    await expect(setDefaultPractice({ ctx: a.team, input: { isDefault: true } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setDefaultPractice({ ctx: a.admin, input: { isDefault: "yes" as never } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await setDefaultPractice({ ctx: a.admin, input: { isDefault: true } })).toEqual({ isDefault: true });
    expect((await getPractice({ ctx: a.admin })).isDefault).toBe(true);
    await expect(setDefaultPractice({ ctx: b.admin, input: { isDefault: true } })).rejects.toMatchObject({ code: "CONFLICT" });
    const bSlug = (await getPractice({ ctx: b.admin })).slug;
    await setDefaultPracticeBySlug(t.db, bSlug);
    expect((await installDefaultPractice(t.db))?.slug).toBe(bSlug);
    expect(await setDefaultPractice({ ctx: b.admin, input: { isDefault: false } })).toEqual({ isDefault: false });
    const [row] = await t.db.select().from(installation);
    expect(row?.defaultPracticeId).toBeNull();
  });
});
