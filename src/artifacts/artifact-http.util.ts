import { lookup } from 'mime-types';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidPath } from '../storage/safe-path';

/**
 * The wildcard tail of the request path exactly as the client sent it (still URL-encoded),
 * taken from the raw URL rather than Fastify's decoded param, so the safe-path check
 * decodes it once and the file operation uses that same value (CVE-2023-6976).
 */
export function rawWildcardPath(req: FastifyRequest): string {
  const pattern = req.routeOptions?.url ?? '';
  const star = pattern.indexOf('*');
  const rawPath = (req.raw.url ?? '').split('?')[0];
  if (star < 0) throw invalidPath();
  const fixed = pattern.slice(0, star).split('/');
  const parts = rawPath.split('/');
  // The router matched the fixed segments on their decoded form; insist they are literal.
  for (let i = 0; i < fixed.length - 1; i++) if (parts[i] !== fixed[i]) throw invalidPath();
  return parts.slice(fixed.length - 1).join('/');
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Images (plots) open in the browser straight from their download URL; everything else downloads. */
const INLINE = /^image\/(svg\+xml|png|jpeg|gif|webp)$/;

/**
 * Served artifacts are user content from this origin: no script may run in them (an SVG or
 * HTML file could carry one), whether they open inline or not.
 */
export const ARTIFACT_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/** `attachment|inline; filename=...` safe for any name: plain token, quoted ASCII, or RFC 5987 UTF-8. */
export function contentDisposition(name: string): string {
  const kind = INLINE.test(contentTypeOf(name)) ? 'inline' : 'attachment';
  if (TOKEN.test(name)) return `${kind}; filename=${name}`;
  if (/^[\x20-\x7e]*$/.test(name)) return `${kind}; filename="${name.replace(/["\\]/g, '\\$&')}"`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** MLflow's text extensions (mime_type_utils.get_text_extensions): served as plain `text/plain`. */
const TEXT_EXTENSIONS = new Set(
  'txt log err cfg conf cnf cf ini properties prop hocon toml yaml yml xml json js py py3 csv tsv md rst'.split(' '),
);
/** Extension-less files MLflow also serves as text (its list has `MLmodel` and `mlproject`; `MLproject` is the usual spelling). */
const TEXT_NAMES = new Set(['MLmodel', 'mlproject', 'MLproject']);

/** MLflow's `_guess_mime_type`: text files `text/plain`, else the guessed type, `application/octet-stream` when unknown. */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : '';
  if (extension === '' ? TEXT_NAMES.has(name) : TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return lookup(name) || 'application/octet-stream';
}

/** Stream one artifact file with MLflow's download headers (plus a script-blocking CSP). */
export function sendArtifact(reply: FastifyReply, file: { name: string; size: number; stream: Readable }): void {
  reply
    .status(200)
    .header('content-type', contentTypeOf(file.name))
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', ARTIFACT_CSP)
    .send(file.stream);
}
