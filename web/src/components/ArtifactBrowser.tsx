import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ML, artifactResponse, get, queryString } from '../api/client';
import type { FileInfo } from '../api/types';
import { fmtBytes } from '../lib/format';
import { parseCsv } from '../lib/csv';
import { ErrorBox, Loading } from './ErrorBox';

const TEXT =
  /\.(txt|log|md|py|yaml|yml|toml|cfg|ini|mlmodel|ts|js|sh)$|(^|\/)(MLmodel|requirements\.txt|conda\.yaml)$/i;
const IMAGE = /\.(png|jpe?g|gif|svg|webp)$/i;
const PREVIEW_BYTES = 2 * 1024 * 1024;

function kindOf(path: string): 'image' | 'json' | 'csv' | 'text' | 'none' {
  if (IMAGE.test(path)) return 'image';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(csv|tsv)$/i.test(path)) return 'csv';
  if (TEXT.test(path)) return 'text';
  return 'none';
}

function Dir({
  runId,
  path,
  onOpen,
  open,
}: {
  runId: string;
  path?: string;
  onOpen: (f: FileInfo) => void;
  open?: string;
}) {
  const list = useQuery({
    queryKey: ['artifacts', runId, path ?? ''],
    queryFn: () => get<{ files?: FileInfo[] }>(`${ML}/artifacts/list`, { run_id: runId, path }),
  });
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  if (list.error) return <ErrorBox error={list.error} title="Could not list artifacts" />;
  if (list.isLoading) return <Loading />;
  const files = list.data?.files ?? [];
  if (!path && files.length === 0) return <p className="muted">No artifacts.</p>;
  return (
    <ul className="tree">
      {files.map((f) => (
        <li key={f.path}>
          {f.is_dir ? (
            <>
              <button
                className="link"
                aria-expanded={expanded.has(f.path)}
                onClick={() => {
                  const next = new Set(expanded);
                  if (!next.delete(f.path)) next.add(f.path);
                  setExpanded(next);
                }}
              >
                {expanded.has(f.path) ? '▾' : '▸'} {f.path.split('/').pop()}/
              </button>
              {expanded.has(f.path) && <Dir runId={runId} path={f.path} onOpen={onOpen} open={open} />}
            </>
          ) : (
            <button className={`link${open === f.path ? ' current' : ''}`} onClick={() => onOpen(f)}>
              {f.path.split('/').pop()} <span className="muted small">{fmtBytes(f.file_size)}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const kind = kindOf(file.path);
  const href = `/get-artifact${queryString({ run_id: runId, path: file.path })}`;
  const tooBig = (file.file_size ?? 0) > PREVIEW_BYTES;
  const text = useQuery({
    queryKey: ['artifact-text', runId, file.path],
    enabled: kind !== 'image' && kind !== 'none' && !tooBig,
    queryFn: async () => (await artifactResponse(runId, file.path)).text(),
  });
  const [imageUrl, setImageUrl] = useState<string>();
  const [imageError, setImageError] = useState<unknown>();
  useEffect(() => {
    if (kind !== 'image') return;
    let url: string | undefined;
    artifactResponse(runId, file.path)
      .then((r) => r.blob())
      .then((b) => {
        // get-artifact answers as an attachment; an object URL of the right type renders inline (SVG in <img> runs no script).
        const type = /\.svg$/i.test(file.path) ? 'image/svg+xml' : b.type;
        url = URL.createObjectURL(new Blob([b], { type }));
        setImageUrl(url);
      })
      .catch(setImageError);
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [runId, file.path, kind]);
  return (
    <div className="preview" data-testid="artifact-preview">
      <div className="toolbar">
        <strong className="mono">{file.path}</strong>
        <span className="spacer" />
        <a href={href} download>
          Download
        </a>
      </div>
      <ErrorBox error={text.error ?? imageError} title="Could not load the file" />
      {kind === 'none' && <p className="muted">No preview for this file type.</p>}
      {tooBig && kind !== 'image' && <p className="muted">Too large to preview ({fmtBytes(file.file_size)}).</p>}
      {kind === 'image' && imageUrl && <img src={imageUrl} alt={file.path} />}
      {kind === 'text' && text.data !== undefined && <pre>{text.data}</pre>}
      {kind === 'json' && text.data !== undefined && <pre>{prettyJson(text.data)}</pre>}
      {kind === 'csv' && text.data !== undefined && <CsvTable text={text.data} tsv={/\.tsv$/i.test(file.path)} />}
    </div>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function CsvTable({ text, tsv }: { text: string; tsv: boolean }) {
  const rows = parseCsv(text, tsv ? '\t' : ',', 501);
  const [head, ...body] = rows;
  return (
    <div className="scroll-x">
      <table className="grid-table csv">
        <thead>
          <tr>
            {head?.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length >= 501 && <p className="muted small">First 500 rows.</p>}
    </div>
  );
}

export function ArtifactBrowser({ runId }: { runId: string }) {
  const [file, setFile] = useState<FileInfo>();
  return (
    <div className="artifacts">
      <div className="artifact-tree">
        <Dir runId={runId} onOpen={setFile} open={file?.path} />
      </div>
      <div className="artifact-view">
        {file ? <Preview runId={runId} file={file} /> : <p className="muted">Pick a file.</p>}
      </div>
    </div>
  );
}
