import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Message settings");
  return { settings: await api(event).messages.settings.query() };
};

/** "21:30" → 1290 (minutes of the day). */
const minutes = (v: FormDataEntryValue | null) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(v ?? ""));
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
};
const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

export const actions: Actions = {
  save: async (event) => {
    requireAdmin(event, "Message settings");
    const form = await event.request.formData();
    const client = api(event);
    const settings = await client.messages.settings.query();
    const on = new Set(form.getAll("on").map(String));
    const disabled = settings.kinds.flatMap((k) => k.channels.map((c) => `${k.kind}:${c}`)).filter((key) => !on.has(key));
    const giftProvider = text(form, "giftCardProvider");
    const smsProvider = text(form, "smsProvider");
    const has = (...names: string[]) => names.some((n) => text(form, n) !== "");
    try {
      await client.messages.updateSettings.mutate({
        disabled,
        quietStartMinute: minutes(form.get("quietStart")),
        quietEndMinute: minutes(form.get("quietEnd")),
        brandColour: text(form, "brandColour") || undefined,
        signature: String(form.get("signature") ?? ""),
        giftCard:
          giftProvider === "tremendous"
            ? {
                provider: "tremendous",
                baseUrl: text(form, "giftCardBaseUrl") || null,
                credentials: has("tremendousApiKey", "tremendousFunding")
                  ? { apiKey: text(form, "tremendousApiKey"), fundingSourceId: text(form, "tremendousFunding") }
                  : undefined,
              }
            : giftProvider === "tango"
              ? {
                  provider: "tango",
                  baseUrl: text(form, "giftCardBaseUrl") || null,
                  credentials: has("tangoPlatformName", "tangoPlatformKey")
                    ? {
                        platformName: text(form, "tangoPlatformName"),
                        platformKey: text(form, "tangoPlatformKey"),
                        accountIdentifier: text(form, "tangoAccount"),
                        customerIdentifier: text(form, "tangoCustomer"),
                      }
                    : undefined,
                }
              : { provider: "sandbox" },
        sms:
          smsProvider === "twilio"
            ? {
                provider: "twilio",
                credentials: has("twilioSid", "twilioToken")
                  ? { accountSid: text(form, "twilioSid"), authToken: text(form, "twilioToken"), from: text(form, "twilioFrom") }
                  : undefined,
              }
            : { provider: "dev" },
      });
      return { saved: true };
    } catch (e) {
      return fail(400, { error: messageOf(e) });
    }
  },
};
