export * from "./errors.ts";
export * from "./context.ts";
export * from "./passwords.ts";
