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
