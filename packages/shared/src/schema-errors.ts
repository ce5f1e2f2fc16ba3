// Turns a schema failure into one message that names the offending field,
// so a bad event or payload says what to fix instead of "invalid input".
import type { z } from "zod";

export class SchemaError extends Error {
  /** One entry per problem: `field path: what is wrong`. */
  readonly problems: string[];
  constructor(what: string, problems: string[], options?: { cause?: unknown }) {
    super(`invalid ${what}: ${problems.join("; ")}`, options);
    this.name = "SchemaError";
    this.problems = problems;
  }
}

/** Describe every issue of a failed parse as `field "a.b": message`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `field "${path}": ${issue.message}`;
  });
}

/** Parse `value` with `schema`, throwing SchemaError that names the fields. */
export function parseWith<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SchemaError(what, describeIssues(result.error), { cause: result.error });
  return result.data;
}
