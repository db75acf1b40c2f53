import { Component, lazy, ReactNode, Suspense, useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { Loading } from './components/ErrorBox';
import { ExperimentsView } from './views/ExperimentsView';
import { ForecastView } from './views/ForecastView';
import { ModelsView } from './views/ModelsView';
import { ModelView } from './views/ModelView';
import { RunsView } from './views/RunsView';
import { RunView } from './views/RunView';
import { TrainingJobView } from './views/TrainingJobView';
import { TrainingView } from './views/TrainingView';

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

export function App() {
  const [theme, toggle] = useTheme();
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/experiments" className="brand">
          tsflow
        </NavLink>
        <nav>
          <NavLink to="/experiments">Experiments</NavLink>
          <NavLink to="/models">Models</NavLink>
          <NavLink to="/training">Training</NavLink>
          <NavLink to="/forecasts">Forecasts</NavLink>
        </nav>
        <span className="spacer" />
        <a href="/docs" className="muted">
          API
        </a>
        <button onClick={toggle} aria-label="Toggle dark theme" title="Toggle theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main>
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
              <Route path="*" element={<div className="error">No such page.</div>} />
            </Routes>
          </Suspense>
        </ViewBoundary>
      </main>
    </div>
  );
}
