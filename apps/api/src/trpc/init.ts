// tRPC setup: context type, error mapping from domain errors (done once, here), procedures.
import { isDomainError, errorCodes } from "@tally/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context.ts";

const trpcCodeFor: Record<number, TRPCError["code"]> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE_CONTENT",
  423: "FORBIDDEN",
  429: "TOO_MANY_REQUESTS",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: isDomainError(cause) ? cause.code : undefined,
        details: isDomainError(cause) ? cause.details : undefined,
      },
    };
  },
});

/** Turns a domain error thrown by a verb into the matching tRPC error (keeping it as the cause). */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeFor[errorCodes[cause.code]] ?? "BAD_REQUEST", message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);
export const createCallerFactory = t.createCallerFactory;
