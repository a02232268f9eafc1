// A practice's delivery settings (practice_messaging; absent row = defaults): which gift-card and
// SMS providers it uses with their credentials (encrypted at rest, never answered back), the kinds
// it switched off, text-message quiet hours and the email's colour and signature.
import { type Db, type PracticeMessagingRow, practiceMessaging, type Tx } from "@tally/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { type GiftCardProvider, giftCardProvider } from "../redemption/gift-cards.ts";
import { type TangoCredentials, tangoGiftCards, tangoProduction, tangoSandbox } from "../redemption/providers/tango.ts";
import {
  type TremendousCredentials,
  tremendousGiftCards,
  tremendousProduction,
  tremendousSandbox,
} from "../redemption/providers/tremendous.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { type MessageChannel, messageChannels, messageKinds, optionalMessageKinds } from "./kinds.ts";
import { decryptSecret, encryptSecret, MissingSecretsKey, secretsKey } from "./secrets.ts";

export const giftCardProviderNames = ["sandbox", "tremendous", "tango"] as const;
export const smsProviderNames = ["dev", "twilio"] as const;

/** Each real gift-card provider's production and sandbox addresses (the settings form offers both). */
export const giftCardBaseUrls = {
  tremendous: { production: tremendousProduction, sandbox: tremendousSandbox },
  tango: { production: tangoProduction, sandbox: tangoSandbox },
} as const;

const localHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A provider's base URL: https, or http on this machine only (local fakes in tests). */
export const providerBaseUrl = z
  .url()
  .max(300)
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === "https:" || (url.protocol === "http:" && localHosts.has(url.hostname));
  }, "Use an https:// address (http:// only for localhost)")
  .refine((u) => !new URL(u).username && !new URL(u).password, "Leave credentials out of the address");

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or a Messaging Service SID (MG...). */
  from: string;
  baseUrl?: string;
}

export type MessagingSettings = Omit<PracticeMessagingRow, "giftCardCredentials" | "smsCredentials" | "updatedAt"> & {
  giftCardConfigured: boolean;
  /** The gift-card provider's base URL stored with its credentials (null: the provider's production address). */
  giftCardBaseUrl: string | null;
  giftCardBaseUrls: typeof giftCardBaseUrls;
  smsConfigured: boolean;
  /** False when the server has no TALLY_SECRETS_KEY: only the sandbox and the dev outbox. */
  secretsAvailable: boolean;
  /** The kinds the practice can switch off, with their channels (the settings form). */
  kinds: { kind: string; label: string; channels: MessageChannel[] }[];
};

const defaults = (practiceId: string): PracticeMessagingRow => ({
  practiceId,
  giftCardProvider: "sandbox",
  giftCardCredentials: null,
  smsProvider: "dev",
  smsCredentials: null,
  disabled: [],
  quietStartMinute: 21 * 60,
  quietEndMinute: 8 * 60,
  brandColour: "#0f766e",
  signature: "",
  updatedAt: new Date(0),
});

export async function messagingRow(db: Db | Tx, practiceId: string): Promise<PracticeMessagingRow> {
  const [row] = await db.select().from(practiceMessaging).where(eq(practiceMessaging.practiceId, practiceId));
  return row ?? defaults(practiceId);
}

const hasKey = () => {
  try {
    return secretsKey() !== null;
  } catch {
    return false;
  }
};

const publicSettings = (row: PracticeMessagingRow): MessagingSettings => {
  const { giftCardCredentials, smsCredentials, updatedAt: _u, ...rest } = row;
  let giftCardBaseUrl: string | null = null;
  if (giftCardCredentials && hasKey()) {
    try {
      giftCardBaseUrl = decryptSecret<{ baseUrl?: string }>(giftCardCredentials).baseUrl ?? null;
    } catch {
      giftCardBaseUrl = null;
    }
  }
  return {
    ...rest,
    giftCardConfigured: giftCardCredentials !== null,
    giftCardBaseUrl,
    giftCardBaseUrls,
    smsConfigured: smsCredentials !== null,
    secretsAvailable: hasKey(),
    kinds: optionalMessageKinds.map((kind) => ({ kind, label: messageKinds[kind].label, channels: [...messageKinds[kind].channels] })),
  };
};

export async function getMessagingSettings({ ctx }: { ctx: Ctx; input?: unknown }): Promise<MessagingSettings> {
  authorize(ctx, "messages.settings");
  return publicSettings(await messagingRow(ctx.db, ctx.practiceId));
}

const minute = z
  .number()
  .int()
  .min(0)
  .max(24 * 60 - 1);
const url = providerBaseUrl.optional();

export const updateMessagingSettingsInput = z.object({
  giftCard: z
    .discriminatedUnion("provider", [
      z.object({ provider: z.literal("sandbox") }),
      z.object({
        provider: z.literal("tremendous"),
        /** Sandbox or production (null: production), kept with the credentials; may change alone. */
        baseUrl: providerBaseUrl.nullable().optional(),
        credentials: z
          .object({ apiKey: z.string().trim().min(1).max(500), fundingSourceId: z.string().trim().min(1).max(100), baseUrl: url })
          .optional(),
      }),
      z.object({
        provider: z.literal("tango"),
        baseUrl: providerBaseUrl.nullable().optional(),
        credentials: z
          .object({
            platformName: z.string().trim().min(1).max(200),
            platformKey: z.string().trim().min(1).max(500),
            accountIdentifier: z.string().trim().min(1).max(200),
            customerIdentifier: z.string().trim().min(1).max(200),
            baseUrl: url,
          })
          .optional(),
      }),
    ])
    .optional(),
  sms: z
    .discriminatedUnion("provider", [
      z.object({ provider: z.literal("dev") }),
      z.object({
        provider: z.literal("twilio"),
        credentials: z
          .object({
            accountSid: z
              .string()
              .trim()
              .regex(/^AC[0-9a-fA-F]{32}$/, "An Account SID starts with AC and has 34 characters"),
            authToken: z.string().trim().min(1).max(200),
            from: z.string().trim().min(2).max(40),
            baseUrl: url,
          })
          .optional(),
      }),
    ])
    .optional(),
  disabled: z
    .array(
      z.string().refine((s) => {
        const [k, c] = s.split(":");
        return optionalMessageKinds.includes(k as never) && messageChannels.includes(c as never);
      }, "Unknown message kind or channel"),
    )
    .max(100)
    .optional(),
  quietStartMinute: minute.optional(),
  quietEndMinute: minute.optional(),
  brandColour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "A colour like #0f766e")
    .optional(),
  signature: z.string().trim().max(1000).optional(),
});

export async function updateMessagingSettings({ ctx, input }: { ctx: Ctx; input: Input<typeof updateMessagingSettingsInput> }) {
  authorize(ctx, "messages.settings");
  const data = parseInput(updateMessagingSettingsInput, input);
  return inTx(ctx, async (tx) => {
    const before = await messagingRow(tx, ctx.practiceId);
    const next: PracticeMessagingRow = { ...before, updatedAt: new Date() };
    if (data.giftCard) {
      if (data.giftCard.provider === "sandbox") Object.assign(next, { giftCardProvider: "sandbox", giftCardCredentials: null });
      else {
        if (!hasKey()) throw new MissingSecretsKey();
        const creds = data.giftCard.credentials;
        if (!creds && (before.giftCardProvider !== data.giftCard.provider || !before.giftCardCredentials))
          throw new DomainError("INVALID_INPUT", "Enter the provider's credentials.", {
            issues: [{ path: "giftCard.credentials", message: "Required" }],
          });
        next.giftCardProvider = data.giftCard.provider;
        const baseUrl = data.giftCard.baseUrl;
        if (creds || baseUrl !== undefined) {
          // New credentials, or the stored ones with another address.
          const stored: Record<string, unknown> = creds
            ? { ...creds }
            : decryptSecret<Record<string, unknown>>(before.giftCardCredentials as string);
          if (baseUrl === null) delete stored.baseUrl;
          else if (baseUrl !== undefined) stored.baseUrl = baseUrl;
          next.giftCardCredentials = encryptSecret(stored);
        }
      }
    }
    if (data.sms) {
      if (data.sms.provider === "dev") Object.assign(next, { smsProvider: "dev", smsCredentials: null });
      else {
        if (!hasKey()) throw new MissingSecretsKey();
        const creds = data.sms.credentials;
        if (!creds && (before.smsProvider !== "twilio" || !before.smsCredentials))
          throw new DomainError("INVALID_INPUT", "Enter the Twilio credentials.", {
            issues: [{ path: "sms.credentials", message: "Required" }],
          });
        next.smsProvider = "twilio";
        if (creds) next.smsCredentials = encryptSecret(creds);
      }
    }
    for (const k of ["disabled", "quietStartMinute", "quietEndMinute", "brandColour", "signature"] as const)
      if (data[k] !== undefined) (next as Record<string, unknown>)[k] = data[k];
    await tx
      .insert(practiceMessaging)
      .values({ ...next, practiceId: ctx.practiceId })
      .onConflictDoUpdate({ target: practiceMessaging.practiceId, set: { ...next, practiceId: ctx.practiceId } });
    await audit(tx, ctx, {
      action: "messages.settings",
      targetType: "practice",
      targetId: ctx.practiceId,
      // Which providers, never their credentials.
      details: {
        giftCardProvider: next.giftCardProvider,
        smsProvider: next.smsProvider,
        giftCardBaseUrl: (data.giftCard as { baseUrl?: string | null } | undefined)?.baseUrl,
        credentialsChanged: Boolean(
          (data.giftCard as { credentials?: unknown } | undefined)?.credentials ||
            (data.sms as { credentials?: unknown } | undefined)?.credentials,
        ),
        disabled: next.disabled,
      },
    });
    return publicSettings(next);
  });
}

/** The practice's gift-card provider with its decrypted credentials. The sandbox practice keeps the
 *  install's provider (tests and the demo swap it); a real provider without the key is an error the
 *  outbox records on the order (and, after its last attempt, refunds). */
export async function giftCardProviderFor(db: Db | Tx, practiceId: string): Promise<GiftCardProvider> {
  const row = await messagingRow(db, practiceId);
  if (row.giftCardProvider === "sandbox") return giftCardProvider();
  if (!row.giftCardCredentials) throw new Error(`the ${row.giftCardProvider} gift-card provider has no credentials (Settings)`);
  if (row.giftCardProvider === "tremendous") return tremendousGiftCards(decryptSecret<TremendousCredentials>(row.giftCardCredentials));
  if (row.giftCardProvider === "tango") return tangoProviderFor(practiceId, decryptSecret<TangoCredentials>(row.giftCardCredentials));
  throw new Error(`unknown gift-card provider ${row.giftCardProvider}`);
}

// One Tango client per practice and credentials in this process, so its one-order-a-second pacing holds across runs.
const tangoClients = new Map<string, { key: string; provider: GiftCardProvider }>();
function tangoProviderFor(practiceId: string, creds: TangoCredentials): GiftCardProvider {
  const key = JSON.stringify(creds);
  const cached = tangoClients.get(practiceId);
  if (cached?.key === key) return cached.provider;
  const provider = tangoGiftCards(creds);
  tangoClients.set(practiceId, { key, provider });
  return provider;
}
