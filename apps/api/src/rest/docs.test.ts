// docs/integrations.md's curl examples, run as they are written (bash + curl) against the server
// on a port, in order, with TALLY_URL, TALLY_KEY, MEMBER_ID, REWARD_ID and EMAIL_BOUNCE_SECRET set
// as the page says.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { members } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.ts";

const run = promisify(execFile);

/** The JSON values curl printed one after the other (no newline between them). */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") {
      if (depth++ === 0) start = i;
    } else if ((ch === "}" || ch === "]") && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}
const bounceSecret = `whsec_${Buffer.from("docs-bounce-secret-0123456789").toString("base64")}`;
const guide = new URL("../../../../docs/integrations.md", import.meta.url);

describe("docs/integrations.md", () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let dir: string;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness({ config: { emailBounceSecret: bounceSecret } });
    const admin = await h.staff("admin");
    await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true });
    const reward = await admin.catalog.createReward.mutate({ name: "Whitening", pointsPrice: 20, kind: "coupon", couponCode: "WHITE" });
    server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    dir = await mkdtemp(join(tmpdir(), "tally-docs-"));
    Object.assign(env, {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      TALLY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      TALLY_KEY: (await admin.apiKeys.create.mutate({ name: "Docs" })).key,
      REWARD_ID: reward.id,
      EMAIL_BOUNCE_SECRET: bounceSecret,
    });
  });
  afterAll(async () => {
    server?.close();
    await h?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("every curl example works as written", async () => {
    const text = await readFile(guide, "utf8");
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    const outputs: string[] = [];
    for (const block of blocks) {
      const { stdout } = await run("bash", ["-euo", "pipefail", "-c", block], { cwd: dir, env });
      outputs.push(stdout);
      if (!env.MEMBER_ID) {
        // Step 1 made the patient: its member.id is what the later examples call MEMBER_ID.
        const [m] = await h.t.db.select().from(members).where(eq(members.externalId, "OD-4411"));
        if (m) env.MEMBER_ID = m.id;
      }
    }
    const answers = outputs.map(jsonValues);
    expect(answers[0]).toMatchObject([{ outcome: "created", member: { firstName: "Rosa" } }]);
    expect(answers[1]).toMatchObject([{ imported: 2 }]);
    expect(answers[2]).toMatchObject([{ status: "done", imported: 1 }]);
    const [balance, ledger] = answers[3] as [unknown, { items: { why: string }[] }];
    expect(balance).toEqual({ memberId: env.MEMBER_ID, balance: 23 });
    expect(ledger.items.map((e) => e.why)).toEqual([expect.stringContaining("4 points"), expect.stringContaining("19 points")]);
    expect(answers[4]).toMatchObject([{ duplicate: false }]);
    const [catalog, redemption, coupons] = answers[5] as [
      { items: { id: string }[] },
      { orderId: string },
      { items: { coupon: string }[] },
    ];
    expect(catalog.items.map((r) => r.id)).toContain(env.REWARD_ID);
    expect(redemption.orderId).toBeTruthy();
    expect(coupons.items.map((c) => c.coupon)).toContain("WHITE");
    expect(answers[6]).toMatchObject([{ url: "https://pms-bridge.example.com/tally", secret: expect.stringMatching(/^whsec_/) }]);
    // The mail relay's bounce report is taken (no message of that id was sent here).
    expect(answers[7]).toMatchObject([{ recorded: [{ email: "rosa@example.com", type: "hard", messageFound: false }] }]);
  });
});
