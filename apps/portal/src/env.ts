// The portal app's environment, read once when the server starts (SvelteKit's explicit env vars).
import { defineEnvVars } from "@sveltejs/kit/env";

export const variables = defineEnvVars({
  TALLY_PRACTICE_NAME: {
    description: "Practice name shown on the welcome page, until the API provides it per practice",
    schema: (value) => value?.trim() || "Bright Smiles Orthodontics",
  },
});
