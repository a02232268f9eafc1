// The plain HTTP endpoints' error answers: a domain error's own status, a readable validation
// message, and a generic 500 with a request id (the detail logged, never sent).
import { DomainError } from "@tally/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorResponse } from "./errors.ts";
import { createLogger } from "./logger.ts";

const answer = async (thrown: unknown) => {
  const app = new Hono();
  app.onError((e, c) => errorResponse(c, e, createLogger("silent")));
  app.get("/", () => {
    throw thrown;
  });
  const res = await app.request("/");
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; requestId?: string } } };
};

describe("errorResponse", () => {
  it.each([
    ["NOT_FOUND", 404],
    ["FORBIDDEN", 403],
    ["LOCKED", 423],
    ["RATE_LIMITED", 429],
    ["INSUFFICIENT_POINTS", 409],
    ["INVALID_INPUT", 400],
  ] as const)("answers %s with %i", async (code, status) => {
    const r = await answer(new DomainError(code, "Nope."));
    expect(r).toMatchObject({ status, body: { error: { code, message: "Nope." } } });
  });

  it("answers a zod error with one readable line", async () => {
    const parsed = z.object({ birthDate: z.coerce.date(), email: z.email() }).safeParse({ birthDate: "soon", email: "x" });
    const r = await answer(parsed.error);
    expect(r).toMatchObject({
      status: 400,
      body: { error: { code: "INVALID_INPUT", message: "birthDate: not a valid date; email: not a valid email" } },
    });
  });

  it("answers anything else with a generic 500 and a request id, not the error's text", async () => {
    const r = await answer(new Error('Failed query: select * from "members" where "id" = $1 params: 42'));
    expect(r.status).toBe(500);
    expect(r.body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.error.message).toContain(r.body.error.requestId);
    expect(JSON.stringify(r.body)).not.toMatch(/select|members|params/i);
  });
});
