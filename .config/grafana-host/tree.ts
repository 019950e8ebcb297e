/**
 * Grafana's route tree (`pkg/web/tree.go`, from Macaron), ported line for line: the app plugin
 * proxy matches each plugin.json route's `path` with it (`pluginproxy.go`, `HandleRequest`:
 * `t := web.NewTree(); t.Add(route.Path, nil); _, params, isMatch := t.Match(proxy.proxyPath)`).
 * What that means for a route path:
 *   - a static path matches that path only (`ballast` does NOT match `ballast/api/v1/org`);
 *   - `*` as the last segment matches one or more further segments, captured in `params['*']`
 *     (unescaped), which is the path the proxy appends to the route URL;
 *   - `:name` matches exactly one segment (and captures it, but the proxy forwards no path then);
 *   - segments are compared after `url.PathUnescape`, so `%2F` inside a segment becomes `/` in `*`.
 */

const enum PatternType {
  Static = 0, // /home
  Regexp = 1, // /:id([0-9]+)
  PathExt = 2, // /*.*
  Holder = 3, // /:user
  MatchAll = 4, // /*
}

export type Params = Record<string, string>;

const wildcardPattern = /:[a-zA-Z0-9]+/;

/** Go's url.PathUnescape: %XX decoding (a malformed escape fails the match, as in Go). */
function pathUnescape(s: string): string | null {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) {
    return null;
  }
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function isSpecialRegexp(pattern: string, regStr: string, end: number): boolean {
  return pattern.length >= end + regStr.length && pattern.slice(end, end + regStr.length) === regStr;
}

function getNextWildcard(pattern: string): [string, string] {
  const m = wildcardPattern.exec(pattern);
  if (!m) {
    return ['', pattern];
  }
  const start = m.index;
  const end = start + m[0].length;
  const wildcard = m[0];
  if (pattern.length === end) {
    return [wildcard, pattern.replace(wildcard, '(.+)')];
  } else if (pattern[end] !== '(') {
    if (isSpecialRegexp(pattern, ':int', end)) {
      pattern = pattern.replace(':int', '([0-9]+)');
    } else if (isSpecialRegexp(pattern, ':string', end)) {
      pattern = pattern.replace(':string', '([\\w]+)');
    } else {
      return [wildcard, pattern.replace(wildcard, '(.+)')];
    }
  }
  return [wildcard, pattern.slice(0, start) + pattern.slice(end)];
}

function getWildcards(pattern: string): [string, string[]] {
  const wildcards: string[] = [];
  for (;;) {
    const [wildcard, rest] = getNextWildcard(pattern);
    pattern = rest;
    if (!wildcard) {
      break;
    }
    wildcards.push(wildcard);
  }
  return [pattern, wildcards];
}

interface Checked {
  typ: PatternType;
  wildcards: string[];
  reg?: RegExp;
}

function checkPattern(pattern: string): Checked {
  pattern = pattern.replace(/^\?+/, '');
  if (pattern === '*') {
    return { typ: PatternType.MatchAll, wildcards: [] };
  }
  if (pattern === '*.*') {
    return { typ: PatternType.PathExt, wildcards: [] };
  }
  if (pattern.includes(':')) {
    const [reg, wildcards] = getWildcards(pattern);
    if (reg === '(.+)') {
      return { typ: PatternType.Holder, wildcards };
    }
    // Go's regexp.FindStringSubmatch is unanchored; so is this.
    return { typ: PatternType.Regexp, wildcards, reg: new RegExp(reg) };
  }
  return { typ: PatternType.Static, wildcards: [] };
}

class Leaf {
  readonly typ: PatternType;
  readonly wildcards: string[];
  readonly reg?: RegExp;
  readonly optional: boolean;
  constructor(readonly pattern: string) {
    const c = checkPattern(pattern);
    this.typ = c.typ;
    this.wildcards = c.wildcards;
    this.reg = c.reg;
    this.optional = pattern.startsWith('?');
  }
}

export class Tree {
  readonly typ: PatternType;
  readonly wildcards: string[];
  readonly reg?: RegExp;
  private readonly subtrees: Tree[] = [];
  private readonly leaves: Leaf[] = [];

  constructor(
    private readonly parent: Tree | null = null,
    readonly pattern = ''
  ) {
    const c = checkPattern(pattern);
    this.typ = c.typ;
    this.wildcards = c.wildcards;
    this.reg = c.reg;
  }

  private addLeaf(pattern: string): void {
    if (this.leaves.some((l) => l.pattern === pattern)) {
      return;
    }
    const leaf = new Leaf(pattern);
    if (leaf.optional) {
      if (this.parent) {
        this.parent.addLeaf(this.pattern);
      } else {
        this.addLeaf('');
      }
    }
    let i = 0;
    while (i < this.leaves.length && leaf.typ >= this.leaves[i]!.typ) {
      i++;
    }
    this.leaves.splice(i, 0, leaf);
  }

  private addSubtree(segment: string, pattern: string): void {
    const existing = this.subtrees.find((t) => t.pattern === segment);
    if (existing) {
      existing.addNextSegment(pattern);
      return;
    }
    const subtree = new Tree(this, segment);
    let i = 0;
    while (i < this.subtrees.length && subtree.typ >= this.subtrees[i]!.typ) {
      i++;
    }
    this.subtrees.splice(i, 0, subtree);
    subtree.addNextSegment(pattern);
  }

  private addNextSegment(pattern: string): void {
    pattern = pattern.startsWith('/') ? pattern.slice(1) : pattern;
    const i = pattern.indexOf('/');
    if (i === -1) {
      this.addLeaf(pattern);
      return;
    }
    this.addSubtree(pattern.slice(0, i), pattern.slice(i + 1));
  }

  /** `Tree.Add`: a trailing `/` of the pattern is dropped. */
  add(pattern: string): this {
    this.addNextSegment(pattern.endsWith('/') ? pattern.slice(0, -1) : pattern);
    return this;
  }

  private matchLeaf(globLevel: number, rawUrl: string, params: Params): boolean {
    const url = pathUnescape(rawUrl);
    if (url === null) {
      return false;
    }
    for (const leaf of this.leaves) {
      switch (leaf.typ) {
        case PatternType.Static:
          if (leaf.pattern === url) {
            return true;
          }
          break;
        case PatternType.Regexp: {
          const results = leaf.reg!.exec(url);
          if (!results || results.length - 1 !== leaf.wildcards.length) {
            break;
          }
          leaf.wildcards.forEach((w, j) => (params[w] = results[j + 1]!));
          return true;
        }
        case PatternType.PathExt: {
          const j = url.lastIndexOf('.');
          if (j > -1) {
            params[':path'] = url.slice(0, j);
            params[':ext'] = url.slice(j + 1);
          } else {
            params[':path'] = url;
          }
          return true;
        }
        case PatternType.Holder:
          params[leaf.wildcards[0]!] = url;
          return true;
        case PatternType.MatchAll:
          params['*'] = url;
          params[`*${globLevel}`] = url;
          return true;
      }
    }
    return false;
  }

  private matchSubtree(globLevel: number, segment: string, url: string, params: Params): boolean {
    const unescapedSegment = pathUnescape(segment);
    if (unescapedSegment === null) {
      return false;
    }
    for (const t of this.subtrees) {
      switch (t.typ) {
        case PatternType.Static:
          if (t.pattern === unescapedSegment && t.matchNextSegment(globLevel, url, params)) {
            return true;
          }
          break;
        case PatternType.Regexp: {
          const results = t.reg!.exec(unescapedSegment);
          if (!results || results.length - 1 !== t.wildcards.length) {
            break;
          }
          t.wildcards.forEach((w, j) => (params[w] = results[j + 1]!));
          if (t.matchNextSegment(globLevel, url, params)) {
            return true;
          }
          break;
        }
        case PatternType.Holder:
          if (t.matchNextSegment(globLevel + 1, url, params)) {
            params[t.wildcards[0]!] = unescapedSegment;
            return true;
          }
          break;
        case PatternType.MatchAll:
          if (t.matchNextSegment(globLevel + 1, url, params)) {
            params[`*${globLevel}`] = unescapedSegment;
            return true;
          }
          break;
      }
    }
    if (this.leaves.length > 0) {
      const leaf = this.leaves[this.leaves.length - 1]!;
      const unescapedUrl = pathUnescape(`${segment}/${url}`);
      if (unescapedUrl === null) {
        return false;
      }
      if (leaf.typ === PatternType.PathExt) {
        const j = unescapedUrl.lastIndexOf('.');
        if (j > -1) {
          params[':path'] = unescapedUrl.slice(0, j);
          params[':ext'] = unescapedUrl.slice(j + 1);
        } else {
          params[':path'] = unescapedUrl;
        }
        return true;
      }
      if (leaf.typ === PatternType.MatchAll) {
        params['*'] = unescapedUrl;
        params[`*${globLevel}`] = unescapedUrl;
        return true;
      }
    }
    return false;
  }

  private matchNextSegment(globLevel: number, url: string, params: Params): boolean {
    const i = url.indexOf('/');
    if (i === -1) {
      return this.matchLeaf(globLevel, url, params);
    }
    return this.matchSubtree(globLevel, url.slice(0, i), url.slice(i + 1), params);
  }

  /** `Tree.Match`: one leading and one trailing `/` of the URL path are dropped first. */
  match(url: string): { params: Params; isMatch: boolean } {
    url = url.startsWith('/') ? url.slice(1) : url;
    url = url.endsWith('/') ? url.slice(0, -1) : url;
    const params: Params = {};
    const isMatch = this.matchNextSegment(0, url, params);
    return { params, isMatch };
  }
}

/** `web.MatchTest`-style helper: the params of one pattern against one path, or null. */
export function matchRoutePath(pattern: string, path: string): Params | null {
  const { params, isMatch } = new Tree().add(pattern).match(path);
  return isMatch ? params : null;
}
