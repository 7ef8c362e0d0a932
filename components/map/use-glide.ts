'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import { PositionTween } from '../../lib/position-tween';
import type { DriverFrame } from '../live/driver-store';

/** About one ping interval: a driver glides to each new position as the next one arrives. */
const GLIDE_MS = 1000;

/**
 * Positions glide between updates: the tween is retargeted once per new frame, and an animation
 * loop hands `draw` the glided positions while anything still moves. The loop does not re-render
 * React (the app's frame time was 1.25-1.44x bare deck.gl's when it did); it does only while the
 * view follows a driver, since the view state is React's. Returns the positions to draw now.
 */
export function useGlide(frame: DriverFrame | null, following: boolean, draw: (positions: Float32Array) => void): RefObject<Float32Array> {
  const tween = useRef(new PositionTween(GLIDE_MS));
  const retargeted = useRef(-1);
  const glided = useRef<Float32Array>(new Float32Array(0));
  const [, setClock] = useState(0);
  if (frame && retargeted.current !== frame.version) {
    tween.current.retarget(frame.ids, frame.positions, performance.now());
    retargeted.current = frame.version;
  }
  if (!following) glided.current = tween.current.at(performance.now());

  const drawNow = useRef(draw);
  drawNow.current = draw;
  const followingNow = useRef(following);
  followingNow.current = following;
  useEffect(() => {
    let raf = 0;
    const step = () => {
      const now = performance.now();
      glided.current = tween.current.at(now);
      if (followingNow.current) setClock(now);
      else drawNow.current(glided.current);
      if (tween.current.moving(now)) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [frame?.version]);
  return glided;
}
