// Sign-in from a browser answers with the HttpOnly cookie only: the session token is never in the
// JSON body a page's script could read. Server-side callers (the apps' form actions) still get it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, demoLogins, type Harness } from "../testing/harness.ts";

const admin = demoLogins[0]!;

describe("sign-in answers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.dispose());

  const signIn = (headers: Record<string, string>) =>
    h.request("/trpc/auth.signIn", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9", ...headers },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });

  it.each([
    ["Origin", { origin: "http://tally.test" }],
    ["Sec-Fetch-Site", { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" }],
  ])("a browser (%s) gets the cookie and no token in the body", async (_, headers) => {
    const res = await signIn(headers);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^tally_staff=s_/);
    const token = cookie.split(";")[0]!.split("=")[1]!;
    const body = await res.text();
    expect(body).not.toContain(token);
    expect(body).not.toContain('"token"');
    expect(JSON.parse(body).result.data).toMatchObject({ mustChangePassword: false });
  });

  it("a server-side caller still gets the token to set its own cookie", async () => {
    const res = await signIn({});
    const token = res.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
    const json = (await res.json()) as { result: { data: { token?: string } } };
    expect(json.result.data.token).toBe(token);
  });
});
