import { Component, lazy, ReactNode, Suspense, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { session, UNAUTHORIZED_EVENT } from './api/client';
import { useMe } from './api/me';
import { Loading } from './components/ErrorBox';
import { ExperimentsView } from './views/ExperimentsView';
import { ForecastView } from './views/ForecastView';
import { ModelsView } from './views/ModelsView';
import { ModelView } from './views/ModelView';
import { RunsView } from './views/RunsView';
import { RunView } from './views/RunView';
import { TrainingJobView } from './views/TrainingJobView';
import { TrainingView } from './views/TrainingView';
import { DatasetsView, DatasetView } from './views/DatasetsView';
import { LoggedModelsView, LoggedModelView } from './views/LoggedModelsView';
import { MonitorsView, MonitorView } from './views/MonitorsView';
import { SignInView } from './views/SignInView';
import { TracesView } from './views/TracesView';
import { TraceView } from './views/TraceView';

// Compare carries ECharts: loaded on first use, so the other views start with a smaller bundle.
const CompareView = lazy(() => import('./views/CompareView').then((m) => ({ default: m.CompareView })));

type Theme = 'light' | 'dark';

function useTheme(): [Theme, () => void] {
  const initial =
    (localStorage.getItem('tsflow.theme') as Theme | null) ??
    (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const [theme, setTheme] = useState<Theme>(initial);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('tsflow.theme', theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

/** A render error in one view shows a message and keeps the navigation usable. */
class ViewBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error" role="alert">
        <strong>This view failed:</strong> {this.state.error.message}{' '}
        <button onClick={() => this.setState({ error: undefined })}>Retry</button>
      </div>
    );
  }
}

/** True after the server answered 401 (no or wrong credentials), until the user signs in. */
function useNeedsSignIn(): [boolean, () => void] {
  const [needed, setNeeded] = useState(false);
  useEffect(() => {
    const on = () => setNeeded(true);
    window.addEventListener(UNAUTHORIZED_EVENT, on);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, on);
  }, []);
  return [needed, () => setNeeded(false)];
}

function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  if (!me.data?.auth) return null;
  return (
    <span className="user small" data-testid="user">
      {me.data.username}
      {me.data.is_admin ? ' (admin)' : ''}{' '}
      <button
        onClick={() => {
          session.signOut();
          qc.clear();
          window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
        }}
      >
        Sign out
      </button>
    </span>
  );
}

export function App() {
  const [theme, toggle] = useTheme();
  const [needsSignIn, signedIn] = useNeedsSignIn();
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/experiments" className="brand">
          tsflow
        </NavLink>
        <nav>
          <NavLink to="/experiments">Experiments</NavLink>
          <NavLink to="/models">Models</NavLink>
          <NavLink to="/logged-models">Logged models</NavLink>
          <NavLink to="/traces">Traces</NavLink>
          <NavLink to="/training">Training</NavLink>
          <NavLink to="/datasets">Datasets</NavLink>
          <NavLink to="/monitors">Monitors</NavLink>
          <NavLink to="/forecasts">Forecasts</NavLink>
        </nav>
        <span className="spacer" />
        <UserMenu />
        <a href="/docs" className="muted">
          API
        </a>
        <button onClick={toggle} aria-label="Toggle dark theme" title="Toggle theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main>
        {needsSignIn ? (
          <SignInView onSignedIn={signedIn} />
        ) : (
          <ViewBoundary>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="/" element={<Navigate to="/experiments" replace />} />
                <Route path="/experiments" element={<ExperimentsView />} />
                <Route path="/experiments/:experimentId" element={<RunsView />} />
                <Route path="/experiments/:experimentId/runs/:runId" element={<RunView />} />
                <Route path="/compare" element={<CompareView />} />
                <Route path="/models" element={<ModelsView />} />
                <Route path="/models/:name" element={<ModelView />} />
                <Route path="/training" element={<TrainingView />} />
                <Route path="/training/:kind/:jobId" element={<TrainingJobView />} />
                <Route path="/forecasts" element={<ForecastView />} />
                <Route path="/forecasts/:name" element={<ForecastView />} />
                <Route path="/traces" element={<TracesView />} />
                <Route path="/traces/:traceId" element={<TraceView />} />
                <Route path="/logged-models" element={<LoggedModelsView />} />
                <Route path="/logged-models/:modelId" element={<LoggedModelView />} />
                <Route path="/monitors" element={<MonitorsView />} />
                <Route path="/monitors/:monitorId" element={<MonitorView />} />
                <Route path="/datasets" element={<DatasetsView />} />
                <Route path="/datasets/:name" element={<DatasetView />} />
                <Route path="/sign-in" element={<SignInView />} />
                <Route path="*" element={<div className="error">No such page.</div>} />
              </Routes>
            </Suspense>
          </ViewBoundary>
        )}
      </main>
    </div>
  );
}
