// The API's configuration, read and validated once; nothing else reads process.env.
import { resolve } from "node:path";
import { z } from "zod";
import { parseTrustProxy } from "./http/client-address.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), "DATABASE_URL must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TALLY_DATA_DIR: z.string().default(resolve(repoRoot, ".data")),
  TALLY_SEED: z.enum(["auto", "never"]).default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PUBLIC_URL: z.string().url().optional(),
  /** Signs the patients' check-in QR codes. Unset: a random secret kept in TALLY_DATA_DIR/secret
   *  (set it explicitly when several API processes share one PostgreSQL). */
  SESSION_SECRET: z
    .string()
    .min(32)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Extra origins allowed to send cookie-authenticated mutations (comma-separated). */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  /** smtp://user:pass@host:port (or smtps://). Unset: mail goes to the dev mailbox in the database. */
  SMTP_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().default("Tally <no-reply@tally.local>"),
  /** Background jobs (nightly import, birthdays, digest, coupon expiry) run in this process. */
  TALLY_JOBS: z.enum(["on", "off"]).default("on"),
  STAFF_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  /** Sign-in attempts allowed per client address per minute (in memory, per process). */
  SIGN_IN_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Kiosk identification attempts (card, QR, phone) per kiosk per minute (in memory, per process). */
  KIOSK_IDENTIFY_PER_MINUTE: z.coerce.number().int().positive().default(30),
  STAFF_SESSION_HOURS: z.coerce.number().int().positive().default(12),
  MEMBER_IDLE_DAYS: z.coerce.number().int().positive().default(7),
  MEMBER_SESSION_DAYS: z.coerce.number().int().positive().default(30),
  /** Which peers may tell us the client's address, host and protocol (X-Forwarded-*): unset trusts
   *  nobody (the socket's address counts); a number of proxy hops; or proxies' addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed instanceof Error) {
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }
      return parsed;
    }),
  /** Largest CSV upload (and JSON invoice batch) in megabytes. */
  MAX_UPLOAD_MB: z.coerce.number().positive().default(50),
  /** Bearer token that may read /metrics. */
  METRICS_TOKEN: z
    .string()
    .min(16, "METRICS_TOKEN must be at least 16 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Addresses / CIDR ranges that may read /metrics without the token (comma-separated). */
  METRICS_ALLOW: z
    .string()
    .default("")
    .transform((value, ctx) => {
      if (!value.trim()) return [] as string[];
      const parsed = parseTrustProxy(value);
      if (parsed instanceof Error || !Array.isArray(parsed)) {
        ctx.addIssue({ code: "custom", message: "METRICS_ALLOW must list addresses, CIDR ranges or loopback" });
        return z.NEVER;
      }
      return [...parsed];
    }),
  /** The mail relay's secret for bounce reports at /api/hooks/email/bounce (`whsec_` + base64 of 24+ bytes). */
  EMAIL_BOUNCE_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, "EMAIL_BOUNCE_SECRET must be whsec_ followed by base64 (24 bytes or more)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Deliver webhooks to private, loopback and link-local addresses (a receiver on the practice's own network). */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type Env = z.infer<typeof Env>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export { repoRoot };
