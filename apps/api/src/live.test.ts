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
