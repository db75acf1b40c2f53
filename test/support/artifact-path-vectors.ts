/**
 * Artifact path vectors (mlflow-api.md §13.2 plus hardening extras). Values are what the
 * server sees after the HTTP layer's own decoding (a query value, or the path tail that the
 * client percent-encoded); the server must decode further and reject them all with
 * 400 INVALID_PARAMETER_VALUE "Invalid path". Shared by the safe-path unit spec and the
 * e2e suite that fires them at every artifact route on both prefixes.
 */
const encodeTimes = (s: string, n: number): string => (n === 0 ? s : encodeTimes(encodeURIComponent(s), n - 1));

export const REJECTED_PATHS: readonly string[] = [
  // §13.2 corpus
  '/path',
  '../path',
  '../../path',
  './../path',
  'path/../to/file',
  'path/../../to/file',
  'file://a#/..//srv',
  'file://a%23/..//srv/',
  '/etc/passwd',
  '/etc/passwd%00.jpg',
  '/file://etc/passwd',
  '%2E%2E%2Fpath',
  '%2E%2E%2F%2E%2E%2Fpath',
  '%252E%252E%252F%252E%252E%252Fetc%252fpasswd',
  '%2%0952e%2%0952e/%2%0A52e%2%0A52e/path',
  'C:/',
  'C:\\path',
  '\\\\server\\share',
  'path#frag',
  'C:path',
  '..\\path',
  // extras: other spellings of the same attacks
  '..',
  '%2e%2e',
  '.%2e/x',
  'a/%2e%2e/%2e%2e/x',
  '..%2f..%2fetc%2fpasswd',
  '..%252f..%252f..%252fetc%252fpasswd',
  encodeTimes('../../etc/passwd', 11),
  '//etc/passwd',
  'a//../../x',
  'file:///etc/passwd',
  'file:etc/passwd',
  'FILE://localhost/etc/passwd',
  'a%00b',
  'a/%00',
  'a%0Ab',
  'a%09b',
  'a%3F/../../x',
  'a%3Fb',
  'a%23b',
  'x%5C..%5C..%5Cy',
  'c:',
  'd%3A%5Cwindows',
  '%2F%2Fserver%2Fshare',
  `x/${'a'.repeat(256)}`,
];

/** Accepted, with the relative path they denote. */
export const ACCEPTED_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['path', 'path'],
  ['path/', 'path'],
  ['path/to/file', 'path/to/file'],
  ['dog%step%100%timestamp%100', 'dog%step%100%timestamp%100'],
  ['a/./b//c', 'a/b/c'],
  ['....', '....'],
  ['a..b', 'a..b'],
  ['.hidden', '.hidden'],
  ['na%C3%AFve%20r%C3%A9sum%C3%A9.txt', 'naïve résumé.txt'],
  ['model%2FMLmodel', 'model/MLmodel'],
  ['ab:c', 'ab:c'],
];
