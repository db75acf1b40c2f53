import { f, message } from '../../common/proto/fields';
import { FileInfoMsg } from './artifacts.dto';

export const ListLoggedModelArtifactsReq = message({
  artifact_directory_path: f.string().doc('Directory relative to the model root', 'sub'),
  page_token: f.string().doc('Ignored: listings are not paged'),
});
export const ListLoggedModelArtifactsRes = message({
  root_uri: f.string().doc('The model artifact_uri'),
  files: f.repeated(f.message(FileInfoMsg)).doc('Immediate children, paths relative to the model root'),
});

export const GetLoggedModelArtifactReq = message({
  artifact_file_path: f.string().required().doc('File relative to the model root', 'MLmodel'),
});
