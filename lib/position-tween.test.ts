import { describe, expect, it } from 'vitest';
import { PositionTween } from './position-tween';

const pos = (...xy: number[]) => new Float32Array(xy);
const close = (a: Float32Array, b: number[]) => [...a].forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));

describe('PositionTween', () => {
  it('draws new drivers where they are, and glides known ones to their new position', () => {
    const t = new PositionTween(1000);
    t.retarget(['a'], pos(77.5, 12.9), 0);
    close(t.at(0), [77.5, 12.9]);
    t.retarget(['a'], pos(77.502, 12.902), 1000);
    close(t.at(1000), [77.5, 12.9]);
    close(t.at(1500), [77.501, 12.901]);
    close(t.at(2000), [77.502, 12.902]);
    close(t.at(9000), [77.502, 12.902]);
    expect(t.moving(1999)).toBe(true);
    expect(t.moving(2000)).toBe(false);
  });

  it('continues from the drawn position when an update arrives mid-glide, whatever the new order', () => {
    const t = new PositionTween(1000);
    t.retarget(['a', 'b'], pos(0, 0, 10, 10), 0);
    t.retarget(['a', 'b'], pos(0.004, 0, 10, 10), 0);
    t.retarget(['b', 'a'], pos(10, 10, 0.008, 0), 500);
    // a was drawn at 0.002 at t=500: it glides from there to 0.008.
    close(t.at(500), [10, 10, 0.002, 0]);
    close(t.at(1000), [10, 10, 0.005, 0]);
  });

  it('jumps instead of gliding across the city', () => {
    const t = new PositionTween(1000);
    t.retarget(['a'], pos(77.5, 12.9), 0);
    t.retarget(['a'], pos(77.7, 12.9), 0);
    close(t.at(0), [77.7, 12.9]);
  });

  it('drops drivers that left', () => {
    const t = new PositionTween(1000);
    t.retarget(['a', 'b'], pos(1, 1, 2, 2), 0);
    t.retarget(['b'], pos(2, 2), 10);
    expect(t.at(10)).toHaveLength(2);
  });
});
