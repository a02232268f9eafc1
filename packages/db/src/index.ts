export * from "./client.ts";
export * from "./schema/distribution.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
