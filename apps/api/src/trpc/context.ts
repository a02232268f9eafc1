// Per-request context for tRPC procedures. Who is calling is resolved lazily (only procedures
// that need a caller pay for the lookup) from, in order of the procedure's needs: the staff
// cookie, the patient cookie, or a Bearer token (kiosk device token `k_...`, API key `tly_...`).

import {
  type ApiKeyPrincipal,
  type KioskPrincipal,
  type MemberPrincipal,
  resolveApiKey,
  resolveKioskDevice,
  resolveMemberSession,
  resolveStaffSession,
  type StaffPrincipal,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { ApiConfig } from "../config.ts";
import type { Jobs } from "../jobs/runtime.ts";
import type { LiveBus } from "../live.ts";
import type { Logger } from "../logger.ts";
import type { Mailer } from "../mail.ts";
import type { Metrics } from "../metrics.ts";
import type { RateLimiter } from "../rate-limit.ts";

export const staffCookie = "tally_staff";
export const memberCookie = "tally_member";

/** What the whole app shares (one per process). */
export interface AppDeps {
  database: Database;
  log: Logger;
  config: ApiConfig;
  bus: LiveBus;
  limiter: RateLimiter;
  metrics: Metrics;
  mailer: Mailer;
  /** Background jobs (pg-boss): enqueue, start, stop (jobs/runtime.ts). */
  jobs: Jobs;
}

/** What procedures may add to the response's headers (a fetch Headers object fits). */
export interface ResponseHeaders {
  append(name: string, value: string): void;
}

export interface Context extends AppDeps {
  req: Request;
  /** Headers added to the response (Set-Cookie from sign-in and sign-out). */
  resHeaders: ResponseHeaders;
  /** The client's address, for rate limits (X-Forwarded-For is trusted from loopback only). */
  ip(): string;
  /** Whether the client reached us over HTTPS (cookies get the Secure flag). */
  secure(): boolean;
  tokens: { staff?: string; member?: string; bearer?: string };
  auth: {
    staff(): Promise<StaffPrincipal | null>;
    member(): Promise<MemberPrincipal | null>;
    kiosk(): Promise<KioskPrincipal | null>;
    apiKey(): Promise<ApiKeyPrincipal | null>;
  };
}

const once = <T>(fn: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

const memo = <T>(fn: () => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
};

export function createContext(
  deps: AppDeps,
  req: Request,
  resHeaders: ResponseHeaders,
  cookie: (name: string) => string | undefined,
  ip: () => string,
  secure: () => boolean,
): Context {
  const { db } = deps.database;
  const staff = cookie(staffCookie) || undefined;
  const member = cookie(memberCookie) || undefined;
  const auth = req.headers.get("authorization") ?? "";
  const bearer = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : undefined;
  const policy = deps.config.authPolicy;
  return {
    ...deps,
    req,
    resHeaders,
    ip: memo(ip),
    secure,
    tokens: { staff, member, bearer },
    auth: {
      staff: once(async () => (staff ? resolveStaffSession(db, staff, policy) : null)),
      member: once(async () => (member ? resolveMemberSession(db, member, policy) : null)),
      kiosk: once(async () => (bearer?.startsWith("k_") ? resolveKioskDevice(db, bearer) : null)),
      apiKey: once(async () => (bearer?.startsWith("tly_") ? resolveApiKey(db, bearer) : null)),
    },
  };
}
