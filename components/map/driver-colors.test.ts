import { describe, expect, it } from 'vitest';
import { statusCode } from '../../lib/protocol';
import { colorsForStatuses, statusColors } from './driver-colors';

describe('colorsForStatuses', () => {
  it('gives each driver the RGBA of its status', () => {
    const colors = colorsForStatuses(Uint8Array.from([statusCode('on_trip'), statusCode('idle')]));
    expect([...colors]).toEqual([...statusColors.on_trip, ...statusColors.idle]);
  });

  it('draws an unknown status code as offline', () => {
    expect([...colorsForStatuses(Uint8Array.from([42]))]).toEqual([...statusColors.offline]);
  });
});
