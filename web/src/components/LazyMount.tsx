import { ReactNode, useEffect, useRef, useState } from 'react';

/**
 * Mounts its children only while near the viewport (IntersectionObserver): a page with hundreds
 * of metric charts keeps only the visible ones alive, and fetches their data only then.
 */
export function LazyMount({ height, children }: { height: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver(([entry]) => setVisible(entry.isIntersecting), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  return (
    <div ref={ref} style={{ minHeight: visible ? undefined : height }} data-mounted={visible || undefined}>
      {visible ? children : null}
    </div>
  );
}
