import { useQuery } from '@tanstack/react-query';
import { KeyboardEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, get, ML } from '../api/client';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { fmtTime } from '../lib/format';
import { durationMs, fmtMs, RawSpan, SpanRow, spanTree } from '../lib/traces';
import { TraceInfo, V3 } from './TracesView';

/** Spans from X2 (server-side spans), else from the trace's traces.json artifact (MLflow < 3.4 clients). */
async function loadTrace(traceId: string): Promise<{ info?: TraceInfo; spans: RawSpan[] }> {
  try {
    const t = await get<{ trace: { trace_info: TraceInfo; spans?: RawSpan[] } }>(`${V3}/traces/get`, {
      trace_id: traceId,
      allow_partial: true,
    });
    if (t.trace.spans?.length) return { info: t.trace.trace_info, spans: t.trace.spans };
    const data = await get<{ spans?: RawSpan[] }>(`${ML}/get-trace-artifact`, { request_id: traceId }).catch(() => ({
      spans: [],
    }));
    return { info: t.trace.trace_info, spans: data.spans ?? [] };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    const info = await get<{ trace: { trace_info: TraceInfo } }>(`${V3}/traces/${encodeURIComponent(traceId)}`);
    const data = await get<{ spans?: RawSpan[] }>(`${ML}/get-trace-artifact`, { request_id: traceId });
    return { info: info.trace.trace_info, spans: data.spans ?? [] };
  }
}

const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

function Block({ title, value }: { title: string; value: unknown }) {
  if (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))
    return null;
  return (
    <div className="kv">
      <h3>{title}</h3>
      <pre className="preview">{json(value)}</pre>
    </div>
  );
}

function SpanDetails({ span }: { span: SpanRow }) {
  return (
    <div className="card span-details" data-testid="span-details">
      <h2>
        {span.name} {span.type && <span className="pill">{span.type}</span>}{' '}
        <span className={`status status-${span.status.toLowerCase()}`}>{span.status}</span>
      </h2>
      <p className="muted small">
        starts at {fmtMs(span.startMs)} · takes {fmtMs(span.durationMs)}
        {span.statusMessage ? ` · ${span.statusMessage}` : ''}
      </p>
      <Block title="Inputs" value={span.inputs} />
      <Block title="Outputs" value={span.outputs} />
      <Block title="Attributes" value={span.attributes} />
      {span.events.length > 0 && <Block title="Events" value={span.events} />}
    </div>
  );
}

/** One trace: span tree with a timeline bar per span (arrow keys move, details beside), and its assessments. */
export function TraceView() {
  const { traceId = '' } = useParams();
  const trace = useQuery({ queryKey: ['trace', traceId], queryFn: () => loadTrace(traceId) });
  const [selected, setSelected] = useState(0);
  const tree = trace.data ? spanTree(trace.data.spans) : undefined;
  const info = trace.data?.info;
  const rows = tree?.rows ?? [];
  const current = rows[Math.min(selected, rows.length - 1)];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setSelected((i) => Math.min(rows.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1));
    else return;
    e.preventDefault();
  };
  const experimentId = info?.trace_location?.mlflow_experiment?.experiment_id;
  return (
    <section>
      <div className="crumbs">
        <Link to={`/traces${experimentId ? `?experiment=${experimentId}` : ''}`}>Traces</Link> /{' '}
        <strong className="mono">{traceId}</strong>
      </div>
      <ErrorBox error={trace.error} title="Could not load the trace" />
      {trace.isLoading && <Loading what="trace" />}
      {info && (
        <div className="run-header">
          <h1>{info.tags?.['mlflow.traceName'] ?? traceId}</h1>
          <span className={`status status-${(info.state ?? '').toLowerCase()}`}>{info.state}</span>
          <span className="muted small">
            {info.request_time ? fmtTime(Date.parse(info.request_time)) : ''} ·{' '}
            {fmtMs(durationMs(info.execution_duration))}
          </span>
          {info.trace_metadata?.['mlflow.sourceRun'] && experimentId && (
            <Link className="small" to={`/experiments/${experimentId}/runs/${info.trace_metadata['mlflow.sourceRun']}`}>
              source run
            </Link>
          )}
        </div>
      )}
      {tree && rows.length === 0 && <p className="muted">This trace has no spans stored.</p>}
      {tree && rows.length > 0 && (
        <div className="trace-layout">
          <div
            className="span-tree card"
            role="tree"
            aria-label="Spans"
            tabIndex={0}
            onKeyDown={onKey}
            data-testid="span-tree"
          >
            {rows.map((s, i) => (
              <div
                key={s.id}
                role="treeitem"
                aria-selected={current === s}
                className={`span-row${current === s ? ' active' : ''}`}
                onClick={() => setSelected(i)}
              >
                <span className="span-name" style={{ paddingLeft: s.depth * 14 }} title={s.name}>
                  {s.name}
                </span>
                <span className="span-bar-track">
                  <span
                    className={`span-bar status-${s.status.toLowerCase()}`}
                    style={{
                      left: `${(s.startMs / (tree.totalMs || 1)) * 100}%`,
                      width: `${Math.max(0.5, (s.durationMs / (tree.totalMs || 1)) * 100)}%`,
                    }}
                  />
                </span>
                <span className="muted small span-ms">{fmtMs(s.durationMs)}</span>
              </div>
            ))}
          </div>
          {current && <SpanDetails span={current} />}
        </div>
      )}
      {info && (
        <div className="cols">
          <Block title="Request" value={info.request_preview} />
          <Block title="Response" value={info.response_preview} />
          <Block title="Assessments" value={info.assessments?.length ? info.assessments : undefined} />
          <Block title="Tags" value={info.tags} />
          <Block title="Metadata" value={info.trace_metadata} />
        </div>
      )}
    </section>
  );
}
