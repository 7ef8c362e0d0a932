import { driverStatuses, type DriverStatus } from '../../lib/schemas/driver-location';

/** RGBA per status, matching the --color-* tokens in app/globals.css. */
export const statusColors: Record<DriverStatus, readonly [number, number, number, number]> = {
  idle: [34, 197, 94, 255],
  en_route: [245, 158, 11, 255],
  on_trip: [59, 130, 246, 255],
  offline: [100, 116, 139, 200],
};

const byCode = driverStatuses.map((s) => statusColors[s]);

/** One RGBA quadruple per driver, for a deck.gl binary colour attribute. */
export function colorsForStatuses(statuses: Uint8Array): Uint8Array {
  const colors = new Uint8Array(statuses.length * 4);
  const fallback = statusColors.offline;
  for (let i = 0; i < statuses.length; i++) colors.set(byCode[statuses[i]!] ?? fallback, i * 4);
  return colors;
}
