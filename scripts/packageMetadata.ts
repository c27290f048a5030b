// Marketplace metadata derived from the git remote, and the README a VSIX gets when there
// is nothing to resolve its relative links against. Pure functions: scripts/package.ts
// does the I/O; test/unit/packageMetadata.test.ts pins the behaviour.
import { marked, type Token } from 'marked';

/** A public repository, derived from `git config --get remote.origin.url`. */
export interface RepositoryInfo {
  /** The repository's web page, e.g. `https://github.com/owner/name` (no `.git`, no credentials). */
  readonly web: string;
  readonly host: 'github' | 'gitlab' | 'other';
}

/**
 * The public repository behind a git remote URL, or undefined when the remote is not a
 * network URL (unset, a local path, `file://`). Credentials in the URL are dropped.
 * Understands `https://`, `http://`, `ssh://`, `git://` and scp-like `git@host:path`.
 */
export function repositoryFromRemote(remote: string | undefined): RepositoryInfo | undefined {
  const raw = remote?.trim();
  if (!raw) return undefined;
  let hostName: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(raw);
  if (/^(https?|ssh|git|git\+ssh):\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    hostName = url.hostname;
    path = url.pathname;
  } else if (scp) {
    hostName = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
  if (!hostName || !path || !/^[\w.-]+$/.test(hostName) || !/^[\w.~-]+(\/[\w.~-]+)+$/.test(path)) return undefined;
  const host = /(^|\.)github\.com$/i.test(hostName) ? 'github' : /(^|\.)gitlab\.com$/i.test(hostName) ? 'gitlab' : 'other';
  return { web: `https://${hostName.toLowerCase()}/${path}`, host };
}

/** The `repository`, `homepage` and (where the host's issue tracker is known) `bugs` fields. */
export function manifestFields(repo: RepositoryInfo): { repository: { type: 'git'; url: string }; homepage: string; bugs?: { url: string } } {
  const bugs = repo.host === 'github' ? `${repo.web}/issues` : repo.host === 'gitlab' ? `${repo.web}/-/issues` : undefined;
  return {
    repository: { type: 'git', url: `${repo.web}.git` },
    homepage: `${repo.web}#readme`,
    ...(bugs ? { bugs: { url: bugs } } : {}),
  };
}

/**
 * Where vsce should point the README's relative links and images: files at `ref` in the
 * repository's web view (links) and raw (images). Undefined for hosts whose URL layout
 * is not known.
 */
export function baseUrls(repo: RepositoryInfo, ref = 'HEAD'): { content: string; images: string } | undefined {
  if (repo.host === 'github') return { content: `${repo.web}/blob/${ref}`, images: `${repo.web}/raw/${ref}` };
  if (repo.host === 'gitlab') return { content: `${repo.web}/-/blob/${ref}`, images: `${repo.web}/-/raw/${ref}` };
  return undefined;
}

const isRelative = (href: string): boolean => !/^[a-z][\w+.-]*:/i.test(href) && !href.startsWith('#') && !href.startsWith('//');

type Walkable = Token & { tokens?: Token[]; items?: Token[]; header?: { tokens?: Token[] }[]; rows?: { tokens?: Token[] }[][] };

function children(token: Walkable): Token[] {
  return [
    ...(token.tokens ?? []),
    ...(token.items ?? []),
    ...(token.header ?? []).flatMap((c) => c.tokens ?? []),
    ...(token.rows ?? []).flat().flatMap((c) => c.tokens ?? []),
  ];
}

/**
 * The README for a VSIX that has no repository to resolve relative links against: a
 * relative image (the screenshots, which the VSIX does not ship) becomes a short note naming
 * its path, a relative link becomes its text followed by the path as code. Absolute
 * links, anchors and everything inside code blocks stay as they are.
 */
export function readmeWithoutRelativeLinks(markdown: string): string {
  const found: { raw: string; replacement: string }[] = [];
  const visit = (tokens: Token[]): void => {
    for (const token of tokens) {
      if ((token.type === 'image' || token.type === 'link') && isRelative(token.href)) {
        const inner = readmeWithoutRelativeLinks(token.text);
        const replacement = token.type === 'image'
          ? `*(screenshot in the source: \`${token.href}\`)*`
          : // A linked picture (`[![alt](x.png)](x.png)`) needs its path only once.
            inner.includes(`\`${token.href}\``) ? inner : `${inner} (\`${token.href}\`)`;
        found.push({ raw: token.raw, replacement });
      } else {
        visit(children(token as Walkable));
      }
    }
  };
  visit(marked.lexer(markdown));
  let out = '';
  let cursor = 0;
  for (const { raw, replacement } of found) {
    const at = markdown.indexOf(raw, cursor);
    if (at < 0) continue;
    out += markdown.slice(cursor, at) + replacement;
    cursor = at + raw.length;
  }
  return out + markdown.slice(cursor);
}
