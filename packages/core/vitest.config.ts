import { databaseTestConfig } from "@tally/vitest-preset";

export default databaseTestConfig();
