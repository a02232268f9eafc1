import { TALLY_PRACTICE_NAME } from "$app/env/private";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = () => ({ practiceName: TALLY_PRACTICE_NAME });
