/** Failures the API turns into status codes. Messages are safe to show to the caller. */
import type { z } from 'zod';
import type { Issue } from '../domain/org.js';

export class ValidationError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '));
    // Every issue names a field; one about the whole body names it "body".
    this.issues = issues.map((i) => (i.path ? i : { ...i, path: 'body' }));
  }
}

export class NotFoundError extends Error {}

/** The actor may not make this write (403), naming the fields it may not set. */
export class ForbiddenError extends Error {
  constructor(
    message: string,
    readonly issues: Issue[] = []
  ) {
    super(message);
  }
}

export class ConflictError extends Error {
  constructor(
    message: string,
    readonly issues: Issue[] = []
  ) {
    super(message);
  }
}

/** `records[3].startedAt`-style paths from a zod error, under an optional prefix. */
export function zodIssues(error: z.ZodError, prefix = ''): Issue[] {
  const join = (p: string, key: PropertyKey) =>
    typeof key === 'number' ? `${p}[${key}]` : p ? `${p}.${String(key)}` : String(key);
  return error.issues.flatMap((issue) => {
    const path = issue.path.reduce<string>(join, prefix);
    // An unknown field is named by its own path, so a client sees which one to drop.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: join(path, key), message: 'unknown field' }));
    const message =
      issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message;
    return [{ path, message }];
  });
}

export function prefixed(issues: Issue[], prefix: string): Issue[] {
  return issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix }));
}
