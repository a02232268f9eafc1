// Typed domain errors with stable codes; the API maps them to tRPC/HTTP errors in one place.
export const errorCodes = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  INVALID_INPUT: 400,
  RULE_INVALID: 422,
  INSUFFICIENT_POINTS: 409,
  PROGRAM_OFF: 409,
  TEST_MODE: 409,
  LIMIT_REACHED: 409,
  /** The member is excluded from rewards (inducement guardrails). */
  EXCLUDED: 409,
  /** The redemption would take the member past the practice's yearly limit on redeemed value. */
  YEARLY_LIMIT: 409,
  LOCKED: 423,
  RATE_LIMITED: 429,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** The HTTP status of a domain error: the one mapping the tRPC error formatter and the plain
 *  HTTP endpoints both use (a LOCKED account answers 423, too many attempts 429). */
export const httpStatusOf = (e: DomainError): number => errorCodes[e.code];

/** The parts of a zod issue a message is made of (zod's own issue type, kept structural). */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly expected?: unknown;
  readonly format?: unknown;
}

/** One readable line for zod issues: "birthDate: not a valid date; email: required".
 *  A schema's own message ("Use YYYY-MM-DD") is kept; zod's generic ones are shortened. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join(".");
      return path ? `${path}: ${issueText(i)}` : issueText(i);
    })
    .join("; ");
}

function issueText(issue: ValidationIssue): string {
  const generic = /^(Invalid|Too (small|big))/.test(issue.message);
  if (!generic) return issue.message;
  if (/received undefined$/.test(issue.message)) return "required";
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "date" ? "not a valid date" : `expected ${String(issue.expected)}`;
    case "invalid_format":
      return `not a valid ${issue.format === "regex" ? "value" : String(issue.format)}`;
    case "invalid_value":
    case "invalid_union":
      return "not one of the allowed values";
    default:
      return issue.message.replace(/^Too (small|big): expected \w+ to (have|be) /, "must be ").replace(/^Invalid input: /, "");
  }
}
