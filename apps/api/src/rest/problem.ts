// RFC 9457 problem details for the REST API: `application/problem+json` with the same `code` as
// the tRPC API (core's error codes and httpStatusOf), field paths for validation errors, and a
// request id for an unexpected error (its detail goes to the log only).
import { describeIssues, httpStatusOf, isDomainError, type ValidationIssue } from "@tally/core";
import type { Context } from "hono";
import { requestIdOf, unexpectedMessage, validationIssues } from "../errors.ts";
import type { Logger } from "../logger.ts";

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  412: "Precondition failed",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  423: "Locked",
  429: "Too many requests",
  500: "Internal server error",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
}

export function problem(c: Context, status: number, code: string, detail: string, extra: Partial<Problem> = {}): Response {
  const body: Problem = {
    type: `https://tally.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`,
    title: titles[status] ?? "Error",
    status,
    code,
    detail,
    instance: c.req.path,
    ...extra,
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json" } });
}

export const fieldErrors = (issues: readonly ValidationIssue[]) =>
  issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

/** Whatever a handler throws, as a problem: a domain error with its code and status, a zod error
 *  400 with its field paths, anything else 500 with a request id. */
export function problemOf(c: Context, e: unknown, log: Logger): Response {
  if (isDomainError(e)) {
    const issues = (e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
    return problem(c, httpStatusOf(e), e.code, e.message, issues ? { errors: issues } : {});
  }
  const issues = validationIssues(e);
  if (issues) return problem(c, 400, "INVALID_INPUT", describeIssues(issues), { errors: fieldErrors(issues) });
  const requestId = requestIdOf(e);
  log.error({ err: e, requestId, path: c.req.path }, "request failed");
  return problem(c, 500, "INTERNAL_SERVER_ERROR", unexpectedMessage(requestId), { requestId });
}
