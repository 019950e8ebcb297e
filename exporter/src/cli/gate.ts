/**
 * `ballast gate`: asks the exporter's change-freeze gate from a CI/CD job. Exit 0 allowed (the
 * checkId on stdout, to cite as gateCheck on the change), 1 frozen, 2 no answer. Without an answer
 * it fails closed unless --fail-open; a refused request (bad token, unknown service) always fails.
 */
export interface GateCommandOptions {
  service?: string;
  team?: string;
  url?: string;
  /** From --token or BALLAST_TOKEN (env keeps it out of the process list). */
  token?: string;
  failOpen?: boolean;
  timeoutSeconds?: number;
}

export const GATE_EXIT = { allowed: 0, frozen: 1, noAnswer: 2 } as const;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export async function gateCommand(options: GateCommandOptions, io: Output = stdio): Promise<number> {
  const target = options.service !== undefined ? `service ${options.service}` : `team ${options.team}`;
  // Usage errors exit 2 as well: 1 must only ever mean "frozen".
  if ((options.service === undefined) === (options.team === undefined)) {
    io.err('ballast gate: give either --service or --team');
    return GATE_EXIT.noAnswer;
  }
  if (!options.url || !URL.canParse(options.url)) {
    io.err('ballast gate: give the exporter URL with --url or BALLAST_URL');
    return GATE_EXIT.noAnswer;
  }
  const url = new URL('/api/v1/gate', options.url);
  url.searchParams.set(options.service !== undefined ? 'service' : 'team', (options.service ?? options.team)!);
  const noAnswer = (why: string) => {
    if (options.failOpen) {
      io.err(`ballast gate: no answer (${why}); allowing ${target} because of --fail-open`);
      return GATE_EXIT.allowed;
    }
    io.err(`ballast gate: no answer (${why}); refusing ${target} (fail closed; --fail-open to allow)`);
    return GATE_EXIT.noAnswer;
  };

  let res: Response;
  let body: GateAnswer;
  try {
    res = await fetch(url, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout((options.timeoutSeconds ?? 10) * 1000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return noAnswer(`cannot reach ${url.origin}: ${cause ?? (error instanceof Error ? error.message : String(error))}`);
  }
  try {
    body = (await res.json()) as GateAnswer;
  } catch {
    // Something answered, but not the exporter's JSON (a proxy's error page, a wrong URL).
    // A 5xx is an outage (--fail-open may allow); anything else is a wrong URL, which always fails.
    if (res.status >= 500) return noAnswer(`${url.origin} answered ${res.status} without a gate answer`);
    io.err(
      `ballast gate: ${url.origin} refused the request (${res.status}) without a gate answer; is it the Ballast exporter?`
    );
    return GATE_EXIT.noAnswer;
  }
  if (res.status === 200 && body.allowed === true) {
    io.out(body.checkId ?? '');
    io.err(`ballast gate: ${target} may change now (check ${body.checkId})`);
    return GATE_EXIT.allowed;
  }
  if (res.status === 423) {
    const windows = (body.freezes ?? []).map((f) => `"${f.name}" (${f.reason}) until ${f.endsAt}`).join('; ');
    io.err(`ballast gate: ${target} is frozen: ${windows} [check ${body.checkId}]`);
    return GATE_EXIT.frozen;
  }
  if (res.status >= 500) return noAnswer(`the exporter answered ${res.status}: ${body.message ?? ''}`);
  io.err(`ballast gate: the exporter refused the request (${res.status}): ${refusal(body)}`);
  return GATE_EXIT.noAnswer;
}

interface GateAnswer {
  allowed?: boolean;
  checkId?: string;
  message?: string;
  /** On a 400: which fields, and why (the API's error body). */
  issues?: { path?: string; message?: string }[];
  freezes?: { name: string; reason: string; endsAt: string }[];
}

/** The exporter's message, with each invalid field named: "the request has invalid fields" alone says nothing. */
export function refusal(body: GateAnswer): string {
  const issues = (Array.isArray(body.issues) ? body.issues : []).map((i) =>
    i.path ? `${i.path}: ${i.message ?? 'invalid'}` : (i.message ?? 'invalid')
  );
  return [body.message ?? '', ...issues].filter((part) => part !== '').join('; ');
}
