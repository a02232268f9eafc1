export type { AppRouter } from "./trpc/root.ts";
export type { ApiClient, ApiInputs, ApiOutputs } from "./client.ts";
