import { crc32, deflateSync } from "node:zlib";
import { issueSetupToken } from "@tally/core";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, inProcessFetch } from "../../app.ts";
import { createApiClient } from "../../client.ts";
import { createLogger } from "../../logger.ts";
import { createHarness, type Harness } from "../../testing/harness.ts";
import { stepNow, totp } from "../../testing/totp.ts";

const codeOf = (e: unknown) => (e instanceof TRPCClientError ? (e.data as { code?: string; appCode?: string }) : undefined);
/** A solid-colour RGB PNG of the given size, written by hand (the API package has no image library). */
function logoPng(width = 1200, height = 600): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [15, 118, 110]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("practice settings (API)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.dispose());

  it("an admin updates name, timezone, address, phone and point cost; the change is theirs only", async () => {
    const a = await h.staff("admin");
    const r = await a.practice.updateSettings.mutate({
      name: "Bright Smiles Ortho",
      timezone: "America/New_York",
      address: "12 Elm St, Springfield",
      phone: "(555) 123-4567",
      pointCostCentiCents: 500,
    });
    expect(r).toMatchObject({ name: "Bright Smiles Ortho", timezone: "America/New_York", address: "12 Elm St, Springfield" });
    const other = await (await h.staff("admin", "paws-claws")).practice.get.query();
    expect(other.name).toBe("Paws & Claws Veterinary");
    expect(other.address).toBe("");
  });

  it("refuses a team member, a bad timezone and a bad point cost", async () => {
    const team = await h.staff("team_member");
    await expect(team.practice.updateSettings.mutate({ name: "Nope" })).rejects.toSatisfy((e) => codeOf(e)?.code === "FORBIDDEN");
    const a = await h.staff("admin");
    await expect(a.practice.updateSettings.mutate({ timezone: "Atlantis/Capital" })).rejects.toSatisfy(
      (e) => codeOf(e)?.code === "BAD_REQUEST",
    );
    await expect(a.practice.updateSettings.mutate({ pointCostCentiCents: -1 })).rejects.toSatisfy((e) => codeOf(e)?.code === "BAD_REQUEST");
  });

  it("uploads a logo (resized, served by the app with a long cache), only for admins, images only", async () => {
    const a = await h.staff("admin");
    const png = logoPng();
    const r = await a.practice.setLogo.mutate({ dataBase64: png.toString("base64") });
    expect(r).toMatchObject({ width: 512, height: 256 });
    const res = await h.request(r.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("cache-control")).toMatch(/immutable/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 4).toString("latin1") + body.subarray(8, 12).toString("latin1")).toBe("RIFFWEBP");
    expect((await a.practice.get.query()).logoUrl).toBe(r.url);
    expect((await h.client().practice.public.query({ slug: "bright-smiles" })).logoUrl).toBe(r.url);
    // The other practice has none; an unknown id is a 404, never another practice's image.
    expect((await (await h.staff("admin", "paws-claws")).practice.get.query()).logoUrl).toBeNull();
    expect((await h.request(`/media/logo/${h.practiceIds["paws-claws"]}`)).status).toBe(404);
    expect((await h.request("/media/logo/not-a-uuid")).status).toBe(404);

    const team = await h.staff("team_member");
    await expect(team.practice.setLogo.mutate({ dataBase64: png.toString("base64") })).rejects.toSatisfy(
      (e) => codeOf(e)?.code === "FORBIDDEN",
    );
    await expect(a.practice.setLogo.mutate({ dataBase64: Buffer.from("hello, not an image").toString("base64") })).rejects.toSatisfy(
      (e) => codeOf(e)?.appCode === "INVALID_INPUT",
    );
    await expect(a.practice.setLogo.mutate({ dataBase64: "%%% not base64" })).rejects.toSatisfy((e) => codeOf(e)?.code === "BAD_REQUEST");
    await a.practice.removeLogo.mutate();
    expect((await a.practice.get.query()).logoUrl).toBeNull();
  });

  it("the default practice: an admin claims it; another practice's admin cannot take it; team members cannot", async () => {
    const a = await h.staff("admin");
    // The demo seed makes its practice the default; its admin can give that up and claim it again.
    expect((await h.client().practice.default.query())?.slug).toBe("bright-smiles");
    expect(await a.practice.setDefault.mutate({ isDefault: false })).toEqual({ isDefault: false });
    expect(await h.client().practice.default.query()).toBeNull();
    await expect((await h.staff("team_member")).practice.setDefault.mutate({ isDefault: true })).rejects.toSatisfy(
      (e) => codeOf(e)?.code === "FORBIDDEN",
    );
    expect(await a.practice.setDefault.mutate({ isDefault: true })).toEqual({ isDefault: true });
    expect((await h.client().practice.default.query())?.slug).toBe("bright-smiles");
    await expect((await h.staff("admin", "paws-claws")).practice.setDefault.mutate({ isDefault: true })).rejects.toSatisfy(
      (e) => codeOf(e)?.appCode === "CONFLICT",
    );
  });

  it("the setup page is closed on an install that has practices", async () => {
    const c = h.client();
    expect(await c.practice.setupStatus.query()).toEqual({ needed: false });
    await expect(
      c.practice.completeSetup.mutate({
        token: "setup_guessed-token-value",
        practice: { name: "Evil", slug: "evil", timezone: "UTC" },
        admin: { name: "Evil", email: "evil@x.test", password: "long enough password" },
      }),
    ).rejects.toSatisfy((e) => codeOf(e)?.code === "FORBIDDEN");
  });
});

describe("first-run setup (API, empty install)", () => {
  let t: TestDatabase;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    t = await createTestDatabase();
    app = createApp({ database: t, log: createLogger("silent") });
  });
  afterAll(async () => t?.dispose());

  it("completes setup with the printed token and signs the admin in; the token works once", async () => {
    const jar = new Map<string, string>();
    const handOver = inProcessFetch(app);
    const c = createApiClient({
      url: "http://tally.test",
      headers: (): Record<string, string> => (jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      fetch: async (input, init) => {
        const res = await handOver(new Request(input as string, init as RequestInit), "10.0.0.9");
        for (const cookie of res.headers.getSetCookie()) {
          const [name, value] = cookie.split(";")[0]!.split("=");
          jar.set(name!, value!);
        }
        return res;
      },
    });
    expect(await c.practice.setupStatus.query()).toEqual({ needed: true });
    expect(await c.practice.default.query()).toBeNull();
    const issued = await issueSetupToken(t.db);
    const input = {
      token: issued!.token,
      practice: { name: "Harbor Dental", slug: "harbor-dental", timezone: "America/Los_Angeles" },
      admin: { name: "Dr. Lee", email: "lee@harbor.test", password: "a very good password" },
    };
    await expect(c.practice.completeSetup.mutate({ ...input, practice: { ...input.practice, slug: "Bad Slug!" } })).rejects.toSatisfy(
      (e) => codeOf(e)?.code === "BAD_REQUEST",
    );
    await c.practice.completeSetup.mutate(input);
    expect(jar.get("tally_staff")).toMatch(/^s_/);
    expect(await c.auth.me.query()).toMatchObject({ email: "lee@harbor.test", role: "admin", mustChangePassword: false });
    // A new practice's admin sets up two-step sign-in before anything else.
    await expect(c.practice.get.query()).rejects.toSatisfy((e) => codeOf(e)?.appCode === "SECOND_FACTOR_ENROLMENT_REQUIRED");
    const started = await c.security.startEnrolment.mutate();
    await c.security.confirmEnrolment.mutate({ code: totp(started.secret, stepNow()) });
    expect(await c.practice.get.query()).toMatchObject({ name: "Harbor Dental", timezone: "America/Los_Angeles", isDefault: true });
    expect(await c.practice.default.query()).toEqual({ slug: "harbor-dental", name: "Harbor Dental" });
    await expect(c.practice.completeSetup.mutate({ ...input, practice: { ...input.practice, slug: "second" } })).rejects.toSatisfy(
      (e) => codeOf(e)?.code === "FORBIDDEN",
    );
  });
});
