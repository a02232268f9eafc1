// What the HTTP layer needs to know, built from env.ts in server.ts and from defaults in tests.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AuthPolicy, defaultAuthPolicy } from "@tally/core";
import type { Env } from "./env.ts";
import type { TrustProxy } from "./http/client-address.ts";

export interface ApiConfig {
  authPolicy: AuthPolicy;
  /** Signs patients' check-in QR codes. */
  qrSecret: string;
  /** Origins (besides the request's own host and PUBLIC_URL) allowed to send cookie mutations. */
  allowedOrigins: string[];
  publicUrl?: string;
  /** "auto": Secure cookies when the request came over https (directly or via a proxy). */
  secureCookies: boolean | "auto";
  /** In-memory per-process limits (per client address) on sign-in and kiosk identification. */
  rateLimits: { signIn: Limit; identify: Limit; pair: Limit };
  /** Which peers' X-Forwarded-For/-Host/-Proto are believed (TRUST_PROXY); false: none. */
  trustProxy: TrustProxy;
  /** Largest body of a tRPC call, and of an upload (CSV, JSON invoice batch). */
  maxJsonBytes: number;
  maxUploadBytes: number;
  /** Who may read /metrics: a bearer token and/or addresses; neither means nobody. */
  metrics: { token?: string; allow: string[] };
  /** Webhook delivery: private, loopback and link-local receivers are refused unless allowed
   *  (WEBHOOK_ALLOW_PRIVATE); each call may take `timeoutMs`. */
  webhooks: { allowPrivate: boolean; timeoutMs: number };
  /** The mail relay's secret for bounce reports (EMAIL_BOUNCE_SECRET, `whsec_…`); unset: no bounce endpoint. */
  emailBounceSecret?: string;
}

export interface Limit {
  max: number;
  windowMs: number;
}

export const defaultConfig: ApiConfig = {
  authPolicy: defaultAuthPolicy,
  qrSecret: "tally-development-secret-not-for-production",
  allowedOrigins: [],
  secureCookies: "auto",
  rateLimits: {
    signIn: { max: 20, windowMs: 60_000 },
    identify: { max: 30, windowMs: 60_000 },
    pair: { max: 10, windowMs: 60_000 },
  },
  trustProxy: false,
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 50 * 1024 * 1024,
  metrics: { allow: [] },
  webhooks: { allowPrivate: false, timeoutMs: 15_000 },
};

/** A secret that survives restarts without configuration: generated once into the data folder. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, "secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function configFromEnv(env: Env): ApiConfig {
  const minute = 60_000;
  return {
    ...defaultConfig,
    authPolicy: {
      staff: { idleMs: env.STAFF_IDLE_MINUTES * minute, absoluteMs: env.STAFF_SESSION_HOURS * 60 * minute },
      member: { idleMs: env.MEMBER_IDLE_DAYS * 24 * 60 * minute, absoluteMs: env.MEMBER_SESSION_DAYS * 24 * 60 * minute },
    },
    qrSecret: env.SESSION_SECRET ?? persistentSecret(env.TALLY_DATA_DIR),
    allowedOrigins: env.ALLOWED_ORIGINS,
    publicUrl: env.PUBLIC_URL,
    rateLimits: {
      ...defaultConfig.rateLimits,
      signIn: { max: env.SIGN_IN_PER_MINUTE, windowMs: minute },
      identify: { max: env.KIOSK_IDENTIFY_PER_MINUTE, windowMs: minute },
    },
    trustProxy: env.TRUST_PROXY,
    maxUploadBytes: Math.round(env.MAX_UPLOAD_MB * 1024 * 1024),
    metrics: { token: env.METRICS_TOKEN, allow: env.METRICS_ALLOW },
    webhooks: { ...defaultConfig.webhooks, allowPrivate: env.WEBHOOK_ALLOW_PRIVATE },
    emailBounceSecret: env.EMAIL_BOUNCE_SECRET,
  };
}
