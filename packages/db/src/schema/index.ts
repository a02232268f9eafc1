// The whole schema, one file per module.
export * from "./practices.ts";
export * from "./staff.ts";
export * from "./members.ts";
