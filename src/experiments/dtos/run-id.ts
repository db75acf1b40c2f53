import { missingValue } from '../../common/proto/parse';

/** Run-scoped endpoints accept the deprecated alias `run_uuid` (clients send both). */
export function runIdOf(args: { run_id?: string; run_uuid?: string }): string {
  const id = args.run_id || args.run_uuid;
  if (!id) throw missingValue('run_id');
  return id;
}
