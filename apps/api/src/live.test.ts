// The staff live prompt over SSE and the /metrics endpoint, through real HTTP requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness.ts";

describe("live staff prompt (SSE) and metrics", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.dispose());

  it("streams a check-in to staff of the same practice only", async () => {
    const admin = await h.staff("admin");
    const vet = await h.staff("admin", "paws-claws");
    const { code } = await admin.kiosks.createPairing.mutate({ name: "Desk" });
    const { token } = await h.client().checkin.pair.mutate({ code });
    const kiosk = h.client({ headers: { authorization: `Bearer ${token}` } });

    const open = async (cookie: string) => {
      const ac = new AbortController();
      const res = await h.request("/trpc/live.staffPrompts", { headers: { cookie, accept: "text/event-stream" }, signal: ac.signal });
      return { res, ac };
    };
    const mine = await open(admin.cookieHeader());
    const theirs = await open(vet.cookieHeader());
    expect(mine.res.headers.get("content-type")).toMatch(/text\/event-stream/);

    const read = async (res: Response, until: RegExp, ms: number) => {
      const reader = res.body!.getReader();
      let text = "";
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !until.test(text)) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      return text;
    };
    await new Promise((r) => setTimeout(r, 50));
    // Ana Bell is the demo's first member (PMS-10000); her card number is drawn at random by the seed.
    const anaCard = (await admin.members.search.query({ q: "PMS-10000" })).items.find((m) => m.externalId === "PMS-10000")!.cardNumber!;
    await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: anaCard });
    const text = await read(mine.res, /checked_in/, 3000);
    expect(text).toMatch(/"type":"checked_in"/);
    expect(text).toMatch(/"name":"Ana B\."/);
    const other = await read(theirs.res, /checked_in/, 300);
    expect(other).not.toMatch(/checked_in/);
    mine.ac.abort();
    theirs.ac.abort();
  });

  it("streams a check-in made at the front desk too", async () => {
    const admin = await h.staff("admin");
    const ac = new AbortController();
    const res = await h.request("/trpc/live.staffPrompts", {
      headers: { cookie: admin.cookieHeader(), accept: "text/event-stream" },
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 50));
    const ana = (await admin.members.search.query({ q: "PMS-10000" })).items.find((m) => m.externalId === "PMS-10000");
    await admin.checkin.byStaff.mutate({ method: "staff", memberId: ana!.id });
    const reader = res.body!.getReader();
    let text = "";
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !/checked_in/.test(text)) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).toMatch(/"type":"checked_in"/);
    expect(text).toMatch(/"method":"staff"/);
    ac.abort();
  });

  it("prompts staff for an instant reward unlocked by an invoice, from the integration API and a CSV upload alike", async () => {
    const admin = await h.staff("admin");
    const key = (await admin.apiKeys.create.mutate({ name: "PMS live" })).key;
    const ac = new AbortController();
    const res = await h.request("/trpc/live.staffPrompts", {
      headers: { cookie: admin.cookieHeader(), accept: "text/event-stream" },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (until: RegExp, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !until.test(text)) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      return text;
    };
    await new Promise((r) => setTimeout(r, 100));
    // A check-in opens a 4-hour window; $350 spent in it unlocks two coupons (the demo's "Big visit").
    await admin.rules.save.mutate({
      source: `earn "Spend" on invoice.paid {\n  rate 1 point per $10\n}\ninstant "Big visit" {\n  window 4 hours\n  when visit.spend >= $350\n  unlock coupon "free-whitening", coupon "ten-off" for 48 hours\n}\n`,
      publish: true,
    });
    const found = await admin.members.search.query({ q: "PMS-" });
    const [first, second] = found.items.filter((m) => m.externalId && m.externalId !== "PMS-10000").slice(-2);
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/Chicago" });
    for (const m of [first!, second!]) await admin.checkin.byStaff.mutate({ method: "staff", memberId: m.id });
    await readUntil(/checked_in[\s\S]*checked_in/, 3000);
    expect(text).not.toMatch(/instant_unlocked/);

    // A date-only invoice from the practice-management system: timed at today's visit, inside its window.
    const posted = await h.request("/api/v1/invoices", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: first!.externalId,
            invoiceId: "LIVE-1",
            date: today,
            status: "paid",
            lines: [{ code: "ALIGN", amount: "900.00" }],
          },
        ],
      }),
    });
    expect(posted.status).toBe(200);
    await readUntil(/instant_unlocked/, 3000);
    expect(text).toMatch(new RegExp(`"type":"instant_unlocked"[^}]*"memberId":"${first!.id}"`));

    // The same from a CSV upload for the second patient.
    const csv = `member_id,invoice_id,date,status,code,amount\n${second!.externalId},LIVE-2,${today},paid,ALIGN,900.00\n`;
    const uploaded = await h.request("/api/v1/imports?wait=true", {
      method: "POST",
      headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
      body: csv,
    });
    expect(uploaded.status).toBe(200);
    await readUntil(new RegExp(`instant_unlocked[^}]*${second!.id}`), 3000);
    expect(text).toMatch(new RegExp(`"type":"instant_unlocked"[^}]*"memberId":"${second!.id}"`));
    expect(text.match(/"type":"instant_unlocked"/g)).toHaveLength(2);
    ac.abort();
  });

  it("refuses the stream without a staff session", async () => {
    const res = await h.request("/trpc/live.staffPrompts", { headers: { accept: "text/event-stream" } });
    const body = await res.text();
    expect(body).toMatch(/UNAUTHORIZED/);
  });

  it("serves Prometheus metrics to the bearer of the metrics token", async () => {
    await h.request("/health");
    const token = "live-test-metrics-token";
    h.app.deps.config.metrics = { token, allow: [] };
    const res = await h.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    expect(text).toMatch(/tally_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(text).toMatch(/tally_http_request_duration_seconds_bucket/);
  });
});
