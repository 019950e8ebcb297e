/**
 * Removes secrets from a message before it is stored, logged or served: the secret values
 * themselves, and any URL (a webhook URL's path is its token), keeping only its origin.
 */
export function redact(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/\b(https?:\/\/[^/\s"'<>]+)\/[^\s"'<>]*/g, '$1/[redacted]').slice(0, 1000);
}
