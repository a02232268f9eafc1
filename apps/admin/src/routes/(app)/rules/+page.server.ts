import { error, fail } from "@sveltejs/kit";
import type { Diagnostic } from "@tally/rules";
import { addDays, isIsoDate, localDate, localDaysSpan } from "@tally/rules/time";
import { appendRule, builderValuesFrom, buildRule } from "#lib/rules/builder.js";
import { draftVersion } from "#lib/rules/draft-version.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

type PublishPreview = Awaited<ReturnType<ReturnType<typeof api>["rules"]["publishPreview"]["mutate"]>>;

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Rules");
  const client = api(event);
  const [versions, practice, rewards] = await Promise.all([
    client.rules.versions.query(),
    client.practice.get.query(),
    client.catalog.rewards.query({ includeDisabled: true }),
  ]);
  const wanted = event.url.searchParams.get("version");
  const editingId = wanted ?? draftVersion(versions)?.id ?? null;
  let version = null;
  if (editingId) {
    try {
      version = await client.rules.version.query({ versionId: editingId });
    } catch (e) {
      if (appCodeOf(e) === "NOT_FOUND" || appCodeOf(e) === "INVALID_INPUT")
        error(404, "That rule set version does not exist. Open one from the version history.");
      throw e;
    }
  }
  const active = versions.find((v) => v.active) ?? null;
  return {
    versions: versions.slice(0, 10),
    editing: version ? { id: version.id, version: version.version, active: version.active, note: version.note } : null,
    source: version?.source ?? "",
    active: active ? { id: active.id, version: active.version, publishedAt: active.publishedAt } : null,
    coupons: rewards.filter((r) => r.kind === "coupon" && r.couponCode).map((r) => r.couponCode as string),
    /** The preview names coupons as patients read them, not by code. */
    couponNames: Object.fromEntries(
      rewards.filter((r) => r.kind === "coupon" && r.couponCode).map((r) => [r.couponCode as string, r.name]),
    ),
    timezone: practice.timezone,
    pointCostCentiCents: practice.pointCostCentiCents,
    defaultRange: { from: addDays(localDate(new Date(), practice.timezone), -90), to: localDate(new Date(), practice.timezone) },
  };
};

/** The diagnostics a RULE_INVALID failure carries, if any. */
function diagnosticsOf(e: unknown): Diagnostic[] | null {
  if (appCodeOf(e) !== "RULE_INVALID") return null;
  const details = (e as { data?: { details?: { diagnostics?: Diagnostic[] } } }).data?.details;
  return details?.diagnostics ?? [];
}

async function saveSource(event: Parameters<Actions[string]>[0], publish: boolean) {
  const form = await event.request.formData();
  const source = String(form.get("source") ?? "");
  const note = String(form.get("note") ?? "").trim();
  if (!source.trim())
    return fail(400, {
      action: "save",
      source,
      note,
      message: "The rules are empty. Write at least one rule, or use the builder.",
      diagnostics: [] as Diagnostic[],
    });
  try {
    // Publishing first shows what changes; removing rules or raising the cost asks to confirm.
    // The server refuses such a publish without the preview's token, which names this very text.
    let preview: PublishPreview | null = null;
    let confirm: string | undefined;
    if (publish) {
      preview = await api(event).rules.publishPreview.mutate({ source });
      confirm = preview.confirm.token ?? undefined;
      if (preview.confirm.needed && form.get("confirm") !== confirm)
        return fail(409, {
          action: "confirm",
          source,
          note,
          preview,
          confirm: confirm ?? "",
          diagnostics: [] as Diagnostic[],
          message: null,
        });
    }
    const saved = await api(event).rules.save.mutate({ source, note, publish, confirm });
    return {
      action: "save",
      preview,
      saved: { version: saved.version, published: publish },
      message: publish
        ? `Version ${saved.version} is saved and now active: new events earn by it.`
        : `Saved as version ${saved.version} (a draft). Publish it when it is ready.`,
    };
  } catch (e) {
    const diagnostics = diagnosticsOf(e);
    if (diagnostics) {
      const n = diagnostics.length;
      return fail(400, {
        action: "save",
        source,
        note,
        diagnostics,
        message: `Not saved: the rules have ${n} error${n === 1 ? "" : "s"}. Fix ${n === 1 ? "it" : "them"} (click one to jump there) and save again.`,
      });
    }
    return fail(appCodeOf(e) === "FORBIDDEN" ? 403 : 400, {
      action: "save",
      source,
      note,
      diagnostics: [] as Diagnostic[],
      message: messageOf(e),
    });
  }
}

export const actions: Actions = {
  save: (event) => saveSource(event, false),
  publish: (event) => saveSource(event, true),

  /** Server-side check for browsers without JavaScript (with it, the page checks as you type). */
  check: async (event) => {
    const form = await event.request.formData();
    const source = String(form.get("source") ?? "");
    const result = await api(event).rules.check.mutate({ source });
    return {
      action: "check",
      source,
      diagnostics: result.diagnostics as Diagnostic[],
      message: result.ok ? "No errors: the rules are ready to save." : null,
    };
  },

  /** The builder without JavaScript: append the rule it describes to the submitted text. */
  build: async ({ request }) => {
    const form = await request.formData();
    const source = String(form.get("source") ?? "");
    const values = builderValuesFrom(form);
    const built = buildRule(values);
    if (!built.source)
      return fail(400, {
        action: "build",
        source,
        builder: values,
        builderErrors: built.errors,
        message: "The rule is not complete: check the builder's fields.",
      });
    return {
      action: "build",
      source: appendRule(source, built.source),
      message: `Added "${values.name.trim()}" to the rules. Save to keep it.`,
    };
  },

  backtest: async (event) => {
    const form = await event.request.formData();
    const source = String(form.get("source") ?? "");
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    const range = { from, to };
    const errors: Record<string, string> = {};
    if (!isIsoDate(from)) errors.from = "Choose the first day to replay.";
    if (!isIsoDate(to)) errors.to = "Choose the last day to replay.";
    if (!errors.from && !errors.to && from > to) errors.to = "The last day must be on or after the first day.";
    if (!source.trim()) errors.source = "Write the draft rules to backtest first.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "backtest", source, range, backtestErrors: errors, message: null });

    const client = api(event);
    const { timezone } = await client.practice.get.query();
    const span = localDaysSpan(from, to, timezone);
    try {
      // The backtest runs in the background; a short one answers here (the page works without
      // JavaScript), a long one is followed by the page (progress bar, Cancel).
      let run = await client.rules.backtestStart.mutate({
        source,
        from: span.start,
        to: span.end,
      });
      for (const until = Date.now() + 3000; run.status === "running" && Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        run = await client.rules.backtestProgress.query({ id: run.id });
      }
      if (run.status === "done" && run.result) return { action: "backtest", source, range, backtest: run.result };
      if (run.status === "failed") return fail(500, { action: "backtest", source, range, message: run.error ?? "The backtest failed." });
      return { action: "backtest", source, range, run: { id: run.id, processed: run.processed, total: run.total } };
    } catch (e) {
      const diagnostics = diagnosticsOf(e);
      return fail(400, {
        action: "backtest",
        source,
        range,
        diagnostics: diagnostics ?? [],
        message: diagnostics ? "The draft has errors, so it cannot be backtested. Fix them and run it again." : messageOf(e),
      });
    }
  },
};
