/** Panels another tool may frame at /embed/<panel>. */
export const embedPanels = ['map', 'kpis', 'alerts', 'pipeline'] as const;
export type EmbedPanel = (typeof embedPanels)[number];

export function isEmbedPanel(name: string): name is EmbedPanel {
  return (embedPanels as readonly string[]).includes(name);
}

/** A screen token's panels live at these addresses: the whole wall, or /embed/<panel>. */
export type ScreenPanel = EmbedPanel | 'wall';

export function screenPath(panel: ScreenPanel): string {
  return panel === 'wall' ? '/wall' : `/embed/${panel}`;
}

/** The panel a screen address shows, for the addresses a token may open; null for any other. */
export function screenPanel(path: string): ScreenPanel | null {
  if (path === '/wall') return 'wall';
  const m = /^\/embed\/([a-z]+)$/.exec(path);
  return m && isEmbedPanel(m[1]!) ? m[1]! : null;
}

/** A panel named in a request (a screen cookie's, a socket's), if it is one. */
export function asScreenPanel(name: unknown): ScreenPanel | null {
  return name === 'wall' || (typeof name === 'string' && isEmbedPanel(name)) ? name : null;
}
