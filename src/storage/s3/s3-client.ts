import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config/app-config';

/**
 * One S3 client per server (connections are pooled per client). Credentials come from the
 * typed config (AWS_ACCESS_KEY_ID, ...) when set, otherwise from the SDK's default chain
 * (profiles, instance roles). Checksums only where S3 requires them: S3-compatible servers
 * (MinIO, Ceph, s3rver) do not all understand the SDK's default aws-chunked CRC trailers.
 */
export function createS3Client(config: S3Config): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpointUrl,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? {
            accessKeyId: config.accessKeyId,
            secretAccessKey: config.secretAccessKey,
            sessionToken: config.sessionToken,
          }
        : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A dead endpoint must fail fast (503), not hold the request for the SDK's full retry budget.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: config.requestTimeoutMs },
  });
}

/** `s3://bucket/some/prefix` → bucket and key prefix (no leading or trailing slash). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(uri);
  if (!m) return undefined;
  return { bucket: m[1], prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}
