// What a client is told when a request fails, for tRPC and the plain HTTP endpoints alike: a
// domain error its own message and status (core's httpStatusOf); a validation error one readable
// line; anything else a generic message with a request id, the detail going to the log only
// (an unexpected error's message can hold SQL text or parameters).
import { randomUUID } from "node:crypto";
import { describeIssues, httpStatusOf, isDomainError, type ValidationIssue } from "@tally/core";
import type { Context as HonoContext } from "hono";
import type { Logger } from "./logger.ts";

const requestIds = new WeakMap<object, string>();

/** The id under which an unexpected error is logged and reported (the same for one error object). */
export function requestIdOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return randomUUID();
  let id = requestIds.get(error);
  if (!id) {
    id = randomUUID();
    requestIds.set(error, id);
  }
  return id;
}

export const unexpectedMessage = (requestId: string) => `Something went wrong on our side. Please try again (request id ${requestId}).`;

/** The issues of a zod validation error (any zod copy), or undefined. */
export function validationIssues(e: unknown): readonly ValidationIssue[] | undefined {
  const issues = (e as { issues?: unknown } | null)?.issues;
  return e instanceof Error && /ZodError$/.test(e.name) && Array.isArray(issues) ? (issues as ValidationIssue[]) : undefined;
}

/** The JSON error answer of a plain HTTP endpoint (`{ error: { code, message, ... } }`). */
export function errorResponse(c: HonoContext, e: unknown, log: Logger): Response {
  if (isDomainError(e)) {
    return c.json({ error: { code: e.code, message: e.message, details: e.details } }, httpStatusOf(e) as 400);
  }
  const issues = validationIssues(e);
  if (issues) return c.json({ error: { code: "INVALID_INPUT", message: describeIssues(issues) } }, 400);
  const requestId = requestIdOf(e);
  log.error({ err: e, requestId, path: c.req.path }, "request failed");
  return c.json({ error: { code: "INTERNAL_SERVER_ERROR", message: unexpectedMessage(requestId), requestId } }, 500);
}
