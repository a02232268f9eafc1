// The whole schema, one file per module.

export * from "./audit.ts";
export * from "./auth.ts";
export * from "./catalog.ts";
export * from "./engagement.ts";
export * from "./events.ts";
export * from "./ledger.ts";
export * from "./members.ts";
export * from "./messages.ts";
export * from "./patient-imports.ts";
export * from "./practices.ts";
export * from "./rollups.ts";
export * from "./rules.ts";
export * from "./security.ts";
export * from "./staff.ts";
export * from "./translations.ts";
export * from "./webhooks.ts";
