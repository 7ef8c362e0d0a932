/** Panels another tool may frame at /embed/<panel>. */
export const embedPanels = ['map', 'kpis', 'alerts', 'pipeline'] as const;
export type EmbedPanel = (typeof embedPanels)[number];

export function isEmbedPanel(name: string): name is EmbedPanel {
  return (embedPanels as readonly string[]).includes(name);
}
