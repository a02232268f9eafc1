// tRPC setup: context type, error mapping from domain errors (done once, here), and the
// procedures by caller: public, staff (the action it does via meta), member, kiosk. Integrations (API keys)
// use the plain HTTP endpoints in http/integrations.ts.
import { type Action, type Ctx, can, DomainError, describeIssues, httpStatusOf, isDomainError, pgCode } from "@tally/core";
import { initTRPC, TRPCError } from "@trpc/server";
import { requestIdOf, unexpectedMessage, validationIssues } from "../errors.ts";
import type { Context } from "./context.ts";
import { memberRequestLocale, requestedLocale } from "./locale.ts";

const trpcCodeFor: Record<number, TRPCError["code"]> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE_CONTENT",
  423: "FORBIDDEN", // tRPC has no LOCKED; appCode says LOCKED and data.httpStatus 423
  429: "TOO_MANY_REQUESTS",
};

export interface Meta {
  /** Set by the kind of procedure (public, staff, member, kiosk): who may call it at all. */
  kind?: "public" | "staff" | "member" | "kiosk";
  /** staffProcedure, required: the action it does (core permissions.ts), refused before it runs
   *  to a role that may not do it; "signed-in" for any staff user (their own account, their
   *  practice's live prompts). A staff procedure that declares none is refused to everyone. */
  action?: Action | "signed-in";
  /** staffProcedure: callable while a temporary password still has to be changed. */
  allowPasswordChange?: boolean;
  /** staffProcedure: callable while a required second factor still has to be set up. */
  allowEnrolment?: boolean;
  /** memberProcedure: callable by a lead (self-registered, limited access). */
  allowLead?: boolean;
}

/** Tells the admin app to send the user to the change-password page (appCode PASSWORD_CHANGE_REQUIRED). */
class PasswordChangeRequired extends Error {
  readonly code = "PASSWORD_CHANGE_REQUIRED";
}

/** Tells the admin app to send the user to set up two-step sign-in (appCode SECOND_FACTOR_ENROLMENT_REQUIRED). */
class EnrolmentRequired extends Error {
  readonly code = "SECOND_FACTOR_ENROLMENT_REQUIRED";
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
    // Domain errors keep their message and say their code (appCode) and status; a validation
    // error becomes one readable line; anything unexpected a generic message with the request id
    // it is logged under (app.ts), never its own text (which can hold SQL and parameters).
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const domain = isDomainError(cause);
      const issues = error.code === "BAD_REQUEST" ? validationIssues(cause) : undefined;
      const requestId = error.code === "INTERNAL_SERVER_ERROR" ? requestIdOf(error) : undefined;
      return {
        ...shape,
        message: requestId ? unexpectedMessage(requestId) : issues ? describeIssues(issues) : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          httpStatus: domain ? httpStatusOf(cause) : shape.data.httpStatus,
          appCode:
            domain || cause instanceof PasswordChangeRequired || cause instanceof EnrolmentRequired
              ? cause.code
              : issues
                ? "INVALID_INPUT"
                : undefined,
          details: domain ? cause.details : undefined,
          requestId,
        },
      };
    },
  });

/** Turns a domain error thrown by a verb into the matching tRPC error (keeping it as the cause).
 *  A unique value taken meanwhile (a name, a code, a card) that no verb turned into its own
 *  message is a conflict the caller can fix, not an internal error. */
function mapDomainError<R extends { ok: boolean }>(result: R): R {
  if (!result.ok) {
    const cause = (result as unknown as { error: TRPCError }).error.cause;
    if (isDomainError(cause)) {
      throw new TRPCError({ code: trpcCodeFor[httpStatusOf(cause)] ?? "BAD_REQUEST", message: cause.message, cause });
    }
    if (pgCode(cause) === "23505") {
      const taken = new DomainError("CONFLICT", "That is taken already: something with the same name or number exists. Choose another.");
      throw new TRPCError({ code: "CONFLICT", message: taken.message, cause: taken });
    }
  }
  return result;
}

// Each kind of procedure is one middleware (who is calling, then the domain-error mapping of
// what the procedure threw): every middleware level costs tRPC a few object copies per call.

export const router = t.router;
export const middleware = t.middleware;
export const publicProcedure = t.procedure.meta({ kind: "public" }).use(async ({ next }) => mapDomainError(await next()));

const unauthorized = (message = "Please sign in.") => new TRPCError({ code: "UNAUTHORIZED", message });

/** A signed-in staff user of the session's practice whose role may do the procedure's action
 *  (`meta({ action: "members.merge" })`, core permissions.ts: the same list the admin app shows
 *  buttons by). ctx.core is the core Ctx for verbs: the practice always comes from the session, never input. */
export const staffProcedure = t.procedure.meta({ kind: "staff" }).use(async ({ ctx, meta, next }) => {
  const staff = await ctx.auth.staff();
  if (!staff) throw unauthorized();
  if (staff.mustChangePassword && !meta?.allowPasswordChange) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Set a new password first.", cause: new PasswordChangeRequired() });
  }
  if (staff.mustEnrol && !meta?.allowEnrolment) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-step sign-in first.", cause: new EnrolmentRequired() });
  }
  const core: Ctx = { db: ctx.database.db, practiceId: staff.practiceId, actor: staff.actor };
  if (!meta?.action || (meta.action !== "signed-in" && !can(core, meta.action))) {
    // As the verb's own `authorize` would answer (appCode FORBIDDEN, naming the action).
    const refused = new DomainError("FORBIDDEN", "You are not allowed to do this.", { action: meta?.action ?? null });
    throw new TRPCError({ code: "FORBIDDEN", message: refused.message, cause: refused });
  }
  return mapDomainError(await next({ ctx: { staff, core } }));
});

/** A signed-in patient; leads only where `meta({ allowLead: true })`. */
export const memberProcedure = t.procedure.meta({ kind: "member" }).use(async ({ ctx, meta, next }) => {
  const member = await ctx.auth.member();
  if (!member) throw unauthorized();
  if (member.status === "lead" && !meta?.allowLead) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Your registration is being reviewed by the practice." });
  }
  const locale = await memberRequestLocale(ctx.database.db, ctx.req, member.actor.id);
  const core: Ctx = { db: ctx.database.db, practiceId: member.practiceId, actor: member.actor, locale };
  return mapDomainError(await next({ ctx: { member, core } }));
});

/** A paired kiosk (device token); it may only act for its own practice. */
export const kioskProcedure = t.procedure.meta({ kind: "kiosk" }).use(async ({ ctx, next }) => {
  const kiosk = await ctx.auth.kiosk();
  if (!kiosk) throw unauthorized("This kiosk is not paired.");
  const locale = requestedLocale(ctx.req);
  const core: Ctx = { db: ctx.database.db, practiceId: kiosk.practiceId, actor: { kind: "kiosk", id: kiosk.deviceId }, locale };
  return mapDomainError(await next({ ctx: { kiosk, core } }));
});

/** Counts one attempt for this client address; refuses when over the per-process limit. */
export function limitRate(ctx: Context, bucket: keyof Context["config"]["rateLimits"], key = ctx.ip()) {
  if (!ctx.limiter.hit(`${bucket}:${key}`, ctx.config.rateLimits[bucket])) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "Too many attempts. Please wait a minute and try again." });
  }
}
