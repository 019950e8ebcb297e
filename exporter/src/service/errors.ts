/** Failures the API turns into status codes. Messages are safe to show to the caller. */
import type { z } from 'zod';
import type { Issue } from '../domain/org.js';

export class ValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '));
  }
}

export class NotFoundError extends Error {}

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
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (p, key) => (typeof key === 'number' ? `${p}[${key}]` : p ? `${p}.${String(key)}` : String(key)),
      prefix
    );
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
          ? 'is required'
          : issue.message;
    return { path, message };
  });
}

export function prefixed(issues: Issue[], prefix: string): Issue[] {
  return issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix }));
}
