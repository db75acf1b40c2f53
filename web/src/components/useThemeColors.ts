import { useEffect, useState } from 'react';

export interface ThemeColors {
  fg: string;
  grid: string;
  dark: boolean;
}

function read(): ThemeColors {
  const dark = document.documentElement.dataset.theme === 'dark';
  return { fg: dark ? '#e5e7eb' : '#111827', grid: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)', dark };
}

/** Canvas charts cannot use CSS variables: they redraw with these colours when the theme attribute changes. */
export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(read);
  useEffect(() => {
    const mo = new MutationObserver(() => setColors(read()));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return colors;
}
