import { useQuery } from '@tanstack/react-query';
import { ML, get, post } from '../api/client';
import { useAction } from '../api/hooks';
import type { ModelVersion, Run } from '../api/types';
import { fmtNum } from '../lib/format';
import { scoreRows } from '../lib/promotion';
import { ErrorBox, Loading } from './ErrorBox';

const metricsOf = (run?: Run) => Object.fromEntries((run?.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));

function useRun(runId?: string) {
  return useQuery({
    queryKey: ['run', runId],
    enabled: !!runId,
    queryFn: () => get<{ run: Run }>(`${ML}/runs/get`, { run_id: runId }),
  });
}

/** The confirmation before moving `champion`: the candidate's scores against the current champion and persistence. */
export function PromoteDialog(props: {
  model: string;
  candidate: { version?: string; runId?: string };
  champion?: ModelVersion;
  onClose: () => void;
}) {
  const { model, candidate, champion, onClose } = props;
  const runId = candidate.runId;
  const cand = useRun(runId);
  const champ = useRun(champion?.run_id);
  const promote = useAction(
    () =>
      post(
        `/api/v1/models/${encodeURIComponent(model)}/champion`,
        candidate.version ? { version: candidate.version } : { run_id: runId },
      ),
    [['model', model], ['versions', model], ['models']],
    onClose,
  );
  // Promoting the champion's own version or run again would change nothing (the server reuses the version).
  const already =
    !!champion &&
    (candidate.version ? String(champion.version) === String(candidate.version) : !!runId && champion.run_id === runId);
  const rows = cand.data ? scoreRows(metricsOf(cand.data.run), champ.data ? metricsOf(champ.data.run) : undefined) : [];
  return (
    <div className="modal-backdrop" role="presentation">
      <div className="modal" role="dialog" aria-modal="true" aria-label="Promote to champion">
        <h2>
          Promote {candidate.version ? `version ${candidate.version}` : `run ${runId?.slice(0, 8)}`} of {model} to
          champion?
        </h2>
        <p className="muted">
          {champion ? `Current champion: version ${champion.version}.` : 'There is no champion yet.'} Serving swaps to
          the new model without a restart.
        </p>
        {already && (
          <p className="notice" data-testid="already-champion">
            This is already the champion (version {champion?.version}): there is nothing to promote.
          </p>
        )}
        <ErrorBox error={cand.error ?? champ.error} />
        {(cand.isLoading || champ.isLoading) && <Loading what="scores" />}
        {rows.length > 0 && (
          <table className="grid-table" data-testid="promotion-scores">
            <thead>
              <tr>
                <th>Metric</th>
                <th>Candidate</th>
                <th>Champion</th>
                <th>Persistence</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.metric}>
                  <th className="mono">{r.metric}</th>
                  <td className={r.verdict}>{fmtNum(r.candidate)}</td>
                  <td>{fmtNum(r.champion)}</td>
                  <td>{fmtNum(r.persistence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ErrorBox error={promote.error} title="Promotion failed" />
        <div className="toolbar">
          <span className="spacer" />
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={promote.isPending || already} onClick={() => promote.mutate(undefined)}>
            Promote to champion
          </button>
        </div>
      </div>
    </div>
  );
}
