import { f, message } from '../../common/proto/fields';

export const StartImportReq = message({
  from: f
    .string()
    .required()
    .doc(
      'The MLflow server (http://host:5000) or database (sqlite:///mlflow.db, postgresql://...) to import',
      'http://mlflow:5000',
    ),
  artifacts_root: f.string().doc("With a database source: the MLflow server's artifact store (directory or s3:// URI)"),
  dry_run: f.bool().doc('Report what would be imported; write nothing'),
  artifacts: f.bool().doc('Copy artifacts (default true)'),
  username: f.string().doc('Basic-auth user of the source server'),
  password: f.string().doc('Its password (never stored or returned)'),
  token: f.string().doc('Bearer token of the source server (never stored or returned)'),
});
