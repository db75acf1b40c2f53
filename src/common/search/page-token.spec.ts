import { describe, expect, it } from 'vitest';
import { MlflowError } from '../mlflow-error';
import { decodePageToken, encodePageToken } from './page-token';
import { invalidMessage } from '../../../test/support/mlflow-errors';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('encodePageToken', () => {
  it("matches MLflow's token byte for byte", () => {
    expect(encodePageToken({ offset: 1000 })).toBe('eyJvZmZzZXQiOiAxMDAwfQ==');
  });

  it('uses Python json.dumps spacing and includes snapshot when present', () => {
    const token = encodePageToken({ offset: 5, snapshot: 1714000000000 });
    expect(Buffer.from(token, 'base64').toString('utf8')).toBe('{"offset": 5, "snapshot": 1714000000000}');
  });

  it('refuses to encode invalid values (programming errors surface early)', () => {
    expect(() => encodePageToken({ offset: -1 })).toThrow(MlflowError);
    expect(() => encodePageToken({ offset: 1.5 })).toThrow(MlflowError);
    expect(() => encodePageToken({ offset: 1, snapshot: NaN })).toThrow(MlflowError);
  });
});

describe('decodePageToken', () => {
  it('returns undefined for an absent token', () => {
    expect(decodePageToken(undefined)).toBeUndefined();
    expect(decodePageToken('')).toBeUndefined();
  });

  it.each([
    { offset: 0 },
    { offset: 1 },
    { offset: 1000 },
    { offset: 7, snapshot: 0 },
    { offset: 123456, snapshot: 1714000000000 },
    { offset: Number.MAX_SAFE_INTEGER },
  ])('round-trips %j', (token) => {
    expect(decodePageToken(encodePageToken(token))).toEqual(token);
  });

  it("decodes MLflow's own tokens", () => {
    expect(decodePageToken('eyJvZmZzZXQiOiAxMDAwfQ==')).toEqual({ offset: 1000 });
    expect(decodePageToken(b64('{"offset":3}'))).toEqual({ offset: 3 });
  });

  it('tolerates missing padding, URL-safe alphabet, and + turned into space', () => {
    const token = b64('{"offset": 62, "snapshot": 1023}'); // contains '+' / '/' characters
    expect(decodePageToken(token.replace(/=+$/, ''))).toEqual({ offset: 62, snapshot: 1023 });
    expect(decodePageToken(token.replace(/\+/g, '-').replace(/\//g, '_'))).toEqual({ offset: 62, snapshot: 1023 });
    expect(decodePageToken(token.replace(/\+/g, ' '))).toEqual({ offset: 62, snapshot: 1023 });
  });

  it('ignores unknown fields', () => {
    expect(decodePageToken(b64('{"offset": 2, "extra": "x"}'))).toEqual({ offset: 2 });
  });

  it.each([
    ['not base64', '!!!!', /^Invalid page token, could not base64-decode/],
    ['bad length', 'abcde', /could not base64-decode/],
    ['padding in the middle', 'ab=cdefg', /could not base64-decode/],
    ['NUL byte', 'eyJv\u0000ZmZzZXQiOiAxfQ==', /could not base64-decode/],
    ['unicode', 'ëyJvZmZzZXQiOiAxfQ==', /could not base64-decode/],
    ['too long', 'A'.repeat(100_000), /could not base64-decode/],
    ['not JSON', b64('offset=5'), /^Invalid page token, could not parse/],
    ['truncated JSON', b64('{"offset": 5'), /could not parse/],
    ['JSON array', b64('[5]'), /not a JSON object/],
    ['JSON null', b64('null'), /not a JSON object/],
    ['JSON number', b64('5'), /not a JSON object/],
    ['missing offset', b64('{}'), /offset must be a non-negative integer/],
    ['string offset', b64('{"offset": "5"}'), /offset must be a non-negative integer/],
    ['negative offset', b64('{"offset": -1}'), /offset must be a non-negative integer/],
    ['fractional offset', b64('{"offset": 1.5}'), /offset must be a non-negative integer/],
    ['unsafe offset', b64('{"offset": 1e300}'), /offset must be a non-negative integer/],
    ['bad snapshot', b64('{"offset": 1, "snapshot": -5}'), /snapshot must be a non-negative integer/],
    ['null snapshot', b64('{"offset": 1, "snapshot": null}'), /snapshot must be a non-negative integer/],
    ['seek not a pair', b64('{"offset": 1, "seek": 0.5}'), /seek must hold a number or a short string/],
    ['seek key an object', b64('{"offset": 1, "seek": [{}, 0]}'), /seek must hold a number or a short string/],
    ['seek key too long', b64(`{"offset": 1, "seek": ["${'x'.repeat(257)}", 0]}`), /seek must hold/],
    ['negative skip', b64('{"offset": 1, "seek": [0.5, -1]}'), /skip must be a non-negative integer/],
    ['fractional rest', b64('{"offset": 1, "rest": 0.5}'), /rest must be a non-negative integer/],
    ['seek of three', b64('{"offset": 1, "seek": ["v1", 0, 5]}'), /seek must hold a number or a short string/],
    ['fractional start', b64('{"offset": 1, "seek": ["v1", 0, 1.5, "ab"]}'), /seek position must hold/],
    ['numeric run', b64('{"offset": 1, "seek": ["v1", 0, 15, 7]}'), /seek position must hold/],
    ['run too long', b64(`{"offset": 1, "seek": ["v1", 0, 15, "${'a'.repeat(257)}"]}`), /seek position must hold/],
  ])('rejects %s', (_name, token, expected) => {
    expect(invalidMessage(() => decodePageToken(token))).toMatch(expected);
  });

  it('round-trips keyset positions (seek, rest) beside the offset', () => {
    for (const t of [
      { offset: 300, snapshot: 9, seek: { key: 0.25, skip: 3 } },
      { offset: 300, snapshot: 9, seek: { key: 'v3 "é"', skip: 0 } },
      { offset: 300, snapshot: 9, seek: { key: 'v3', skip: 0, start: 1_704_067_200_000, run: 'a1b2' } },
      { offset: 300, snapshot: 9, seek: { key: 'v3', skip: 0, start: -5, run: '' } },
      { offset: 40, snapshot: 9, rest: 17 },
    ])
      expect(decodePageToken(encodePageToken(t))).toEqual(t);
    expect(() => encodePageToken({ offset: 1, seek: { key: Infinity, skip: 0 } })).toThrow(MlflowError);
  });

  it('rejects a non-string token with an MlflowError', () => {
    expect(invalidMessage(() => decodePageToken(5 as unknown as string))).toMatch(/Invalid page token/);
  });
});
