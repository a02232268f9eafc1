export type { ApiClient, ApiInputs, ApiOutputs } from "./client.ts";
export type { AppRouter } from "./trpc/root.ts";
