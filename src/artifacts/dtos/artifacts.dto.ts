import { f, message } from '../../common/proto/fields';
import { ArtifactEntry } from '../../storage/artifact-repository';

/** FileInfo (mlflow-api.md §3.5): `file_size` omitted for directories. */
export const FileInfoMsg = message({
  path: f
    .string()
    .doc('Basename (mlflow-artifacts) or path relative to the run root (artifacts/list)', 'model/MLmodel'),
  is_dir: f.bool().doc('True for directories', false),
  file_size: f.int64().doc('Bytes; absent for directories', 1234),
});

export const ListProxiedReq = message({
  path: f
    .string()
    .doc(
      'Directory relative to the artifacts destination (root when omitted)',
      '1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts',
    ),
});

export const ListProxiedRes = message({
  files: f
    .repeated(f.message(FileInfoMsg))
    .doc('Immediate children, basenames only; absent for a file or a missing path'),
});

export const ListRunArtifactsReq = message({
  run_id: f.string().doc('Run id', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  run_uuid: f.string().doc('Deprecated alias of run_id'),
  path: f.string().doc('Directory relative to the run artifact root', 'model'),
  page_token: f.string().doc('Ignored: listings are not paged'),
});

export const ListRunArtifactsRes = message({
  root_uri: f.string().doc('The run artifact_uri', 'mlflow-artifacts:/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts'),
  files: f.repeated(f.message(FileInfoMsg)).doc('Immediate children, paths relative to the run root'),
  next_page_token: f.string(),
});

export interface FileInfoWire {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export function fileInfoToWire(entry: ArtifactEntry, parent = ''): FileInfoWire {
  const p = parent ? `${parent}/${entry.name}` : entry.name;
  return entry.isDir ? { path: p, is_dir: true } : { path: p, is_dir: false, file_size: entry.size ?? 0 };
}
