// The portal app's environment, read once when the server starts (SvelteKit's explicit env vars).
import { defineEnvVars } from "@sveltejs/kit/env";

export const variables = defineEnvVars({
  TALLY_PRACTICE_NAME: {
    description: "Practice name shown before the API answers (fallback only)",
    schema: (value) => value?.trim() || "Bright Smiles Orthodontics",
  },
  TALLY_PRACTICE: {
    description:
      "Slug of the practice this portal serves when a link does not name one (?practice=slug); unset: the install's default practice (Settings → Practice)",
    schema: (value) => value?.trim() ?? "",
  },
  TALLY_API_URL: {
    description: "Origin of the Tally API (without /trpc); apps/api/src/server.ts sets it to its own loopback address",
    schema: (value) => value?.trim() || "http://127.0.0.1:3000",
  },
});
