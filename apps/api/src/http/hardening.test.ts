// The HTTP surface's defences, each reproduced through the real app: the apps' calls handed over
// in process with the browser's address (issue 12 item 6), forwarded headers trusted only from
// TRUST_PROXY (issue 13 item 12), body limits (item 7), a closed /metrics (item 9) and logs
// without personal data (item 2).
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { TRPCClientError } from "@trpc/client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp, inProcessFetch } from "../app.ts";
import { createApiClient, registerInProcessApi } from "../client.ts";
import { createLogger } from "../logger.ts";
import { createHarness, type Harness } from "../testing/harness.ts";

const twoTries = { max: 2, windowMs: 60_000 };
const codeOf = (e: unknown): string => (e instanceof TRPCClientError ? String((e.data as { code?: string }).code) : String(e));
const signInBody = (i: number) => JSON.stringify({ email: `nobody-${i}@nowhere.test`, password: "wrong" });

describe("HTTP hardening", () => {
  let h: Harness;
  const servers: ServerType[] = [];
  beforeAll(async () => {
    h = await createHarness({
      config: { rateLimits: { signIn: twoTries, identify: twoTries, pair: twoTries }, maxUploadBytes: 1024 * 1024 },
    });
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await h?.dispose();
  });
  afterEach(() => {
    registerInProcessApi(undefined);
    vi.unstubAllGlobals();
  });

  /** The app (or one with other settings on the same database) on a real loopback socket. */
  async function listen(config: Parameters<typeof createApp>[0]["config"] = {}) {
    const app = createApp({
      database: h.t,
      log: createLogger("silent"),
      config: { rateLimits: { signIn: twoTries, identify: twoTries, pair: twoTries }, ...config },
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    servers.push(server);
    await new Promise((r) => server.once("listening", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const signIn = (base: string, i: number, headers: Record<string, string> = {}) =>
    fetch(`${base}/trpc/auth.signIn`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: signInBody(i) });

  describe("the apps' calls (in process)", () => {
    it("hands a call to the API of this process without a socket, with the browser's address beside it", async () => {
      registerInProcessApi({ origin: "http://127.0.0.1:3999", fetch: inProcessFetch(h.app) });
      const network = vi.fn(() => Promise.reject(new Error("no socket expected")));
      vi.stubGlobal("fetch", network);
      const browser = (address: string, spoofed?: string) =>
        createApiClient({ url: "http://127.0.0.1:3999", clientAddress: address, headers: spoofed ? { "x-forwarded-for": spoofed } : {} });

      expect((await browser("203.0.113.7").practice.public.query({ slug: "bright-smiles" })).name).toBe("Bright Smiles Orthodontics");
      // The limit sees the browser's address: a header the browser makes up changes nothing.
      const results: string[] = [];
      for (let i = 0; i < 3; i++)
        results.push(
          await browser("203.0.113.7", `198.51.100.${i}`)
            .auth.signIn.mutate({ email: `x${i}@nowhere.test`, password: "wrong" })
            .then(() => "OK", codeOf),
        );
      expect(results).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
      // Another browser has its own window.
      const other = await browser("203.0.113.8")
        .auth.signIn.mutate({ email: "y@nowhere.test", password: "wrong" })
        .then(() => "OK", codeOf);
      expect(other).toBe("UNAUTHORIZED");
      expect(network).not.toHaveBeenCalled();
    });

    it("goes over HTTP, with X-Forwarded-For, to an API elsewhere", async () => {
      registerInProcessApi({ origin: "http://127.0.0.1:3999", fetch: inProcessFetch(h.app) });
      const seen: Request[] = [];
      vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        seen.push(request);
        return h.app.fetch(request);
      });
      const api = createApiClient({ url: "http://api.internal:3000", clientAddress: "203.0.113.9" });
      await api.practice.public.query({ slug: "bright-smiles" });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toMatch(/^http:\/\/api\.internal:3000\/trpc\//);
      expect(seen[0]!.headers.get("x-forwarded-for")).toBe("203.0.113.9");
    });
  });

  describe("forwarded headers (TRUST_PROXY)", () => {
    it("ignores X-Forwarded-For from a same-host peer by default: rotating it buys no attempts", async () => {
      const base = await listen();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await signIn(base, i, { "x-forwarded-for": `198.51.100.${i}` })).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
    });

    it("believes the configured proxy hops, and only them", async () => {
      const base = await listen({ trustProxy: 1 });
      const statuses = [];
      // Behind one proxy the client is the address it appended last; what the client itself
      // wrote further left is not believed.
      for (let i = 0; i < 3; i++) statuses.push((await signIn(base, i, { "x-forwarded-for": `10.9.9.${i}, 203.0.113.50` })).status);
      expect(statuses).toEqual([401, 401, 429]);
      expect((await signIn(base, 9, { "x-forwarded-for": "203.0.113.51" })).status).toBe(401);
    });

    it("believes proxies by address", async () => {
      const trusted = await listen({ trustProxy: ["loopback"] });
      expect((await signIn(trusted, 1, { "x-forwarded-for": "203.0.113.60" })).status).toBe(401);
      expect((await signIn(trusted, 2, { "x-forwarded-for": "203.0.113.61" })).status).toBe(401);
      expect((await signIn(trusted, 3, { "x-forwarded-for": "203.0.113.62" })).status).toBe(401);
      const other = await listen({ trustProxy: ["10.0.0.0/8"] });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await signIn(other, i, { "x-forwarded-for": `203.0.113.7${i}` })).status);
      expect(statuses).toEqual([401, 401, 429]);
    });

    it("does not let X-Forwarded-Host vouch for a foreign Origin (CSRF) unless a trusted proxy sent it", async () => {
      const crossSite = { origin: "http://evil.test", "x-forwarded-host": "evil.test" };
      const direct = await h.request("/trpc/auth.signIn", {
        method: "POST",
        headers: { "content-type": "application/json", ...crossSite },
        body: signInBody(1),
      });
      expect(direct.status).toBe(403);
      expect((await signIn(await listen(), 1, crossSite)).status).toBe(403);
      // A trusted proxy's word on the host counts (the call reaches the procedure).
      expect((await signIn(await listen({ trustProxy: 1 }), 1, crossSite)).status).toBe(401);
    });
  });

  describe("body limits", () => {
    it("refuses a large JSON body to the unauthenticated sign-in before parsing it", async () => {
      const big = JSON.stringify({ email: "a@b.test", password: "x".repeat(2 * 1024 * 1024) });
      const started = performance.now();
      const res = await h.request("/trpc/auth.signIn", { method: "POST", headers: { "content-type": "application/json" }, body: big });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/too large: at most 1 MB/);
      expect(performance.now() - started).toBeLessThan(1000);
      // Without a Content-Length (chunked) too.
      const chunked = await h.request("/trpc/auth.signIn", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new Blob([big]).stream(),
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
    });

    it("limits CSV uploads (size, line length, binary) with a clear answer", async () => {
      const admin = await h.staff("admin");
      const upload = (body: string | Uint8Array<ArrayBuffer>) =>
        h.request("/api/v1/imports?wait=true", {
          method: "POST",
          headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
          body,
        });
      const header = "member_id,invoice_id,date,status,code,amount\n";
      const message = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

      const tooBig = await upload(header + "PMS-10000,B-1,2026-03-05,paid,CLEAN,100.00\n".repeat(30_000));
      expect(tooBig.status).toBe(413);
      expect((await message(tooBig)).message).toMatch(/at most 1 MB/);

      const longField = await upload(`${header}PMS-10000,${"x".repeat(200_000)},2026-03-05,paid,CLEAN,1.00\n`);
      expect(longField.status).toBe(400);
      expect(await message(longField)).toMatchObject({ code: "INVALID_CSV", message: expect.stringMatching(/longer than 64 KB/) });

      // A quoted field spanning many short lines: csv-parse's record limit.
      const longRecord = await upload(`${header}PMS-10000,"${"y\n".repeat(40_000)}",2026-03-05,paid,CLEAN,1.00\n`);
      expect(longRecord.status).toBe(400);
      expect((await message(longRecord)).message).toMatch(/longer than 64 KB/);

      const binary = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]));
      expect(binary.status).toBe(400);
      expect((await message(binary)).message).toMatch(/not a CSV text file/);

      // A form upload, as the admin app hands it over.
      const form = new FormData();
      form.set("file", new File([header + "x,\n".repeat(400 * 1024)], "big.csv"));
      const request = new Request("http://tally.test/api/v1/imports", {
        method: "POST",
        headers: { cookie: admin.cookieHeader() },
        body: form,
      });
      expect((await inProcessFetch(h.app)(request, "10.0.0.1")).status).toBe(413);

      // A normal file still imports.
      const ok = await upload(`${header}PMS-10000,B-OK,2026-03-05,paid,CLEAN,100.00\n`);
      expect(ok.status).toBe(200);
    });
  });

  describe("/metrics", () => {
    it("is closed unless a token or an allowed address is configured", async () => {
      expect((await h.request("/metrics")).status).toBe(403);
      const app = createApp({
        database: h.t,
        log: createLogger("silent"),
        config: { metrics: { token: "metrics-token-0123456789", allow: ["10.0.0.0/8"] } },
      });
      const hand = inProcessFetch(app);
      const get = (headers: Record<string, string> = {}, address = "203.0.113.1") =>
        hand(new Request("http://tally.test/metrics", { headers }), address);
      expect((await get()).status).toBe(401);
      expect((await get({ authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
      const ok = await get({ authorization: "Bearer metrics-token-0123456789" });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/tally_http_requests_total/);
      expect((await get({}, "10.1.2.3")).status).toBe(200);
      // The address is the socket's: a forwarded one does not open it.
      expect(
        (await fetch(`${await listen({ metrics: { allow: ["10.0.0.0/8"] } })}/metrics`, { headers: { "x-forwarded-for": "10.1.2.3" } }))
          .status,
      ).toBe(403);
    });
  });

  describe("logs", () => {
    it("censor personal data and credentials wherever a logged object holds them", async () => {
      const lines: string[] = [];
      const log = createLogger("info", { write: (line: string) => void lines.push(line) });
      const failed = Object.assign(new Error("insert failed"), {
        params: ["+15551234567", "ann@example.test"],
        details: { email: "ann@example.test" },
      });
      log.error({ err: failed, member: { name: "Ann Lee", firstName: "Ann", phone: "+15551234567", birthDate: "1990-02-03" } }, "x");
      log.info(
        {
          req: { headers: { cookie: "tally_staff=s_secret", authorization: "Bearer tly_secret" } },
          email: "bob@example.test",
          token: "k_1",
        },
        "y",
      );
      const out = lines.join("\n");
      for (const secret of ["+15551234567", "ann@example.test", "Ann", "1990-02-03", "s_secret", "tly_secret", "bob@example.test", "k_1"])
        expect(out).not.toContain(secret);
      expect(out).toContain("insert failed");
      expect(out).toContain("[redacted]");
    });
  });
});
