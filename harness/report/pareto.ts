// The Pareto front of points where a lower x and a higher y are better (accuracy against parameters): a point
// is on it when no other point has x <= its x and y >= its y with one of the two strictly better. Points with
// equal x and y are all on it or all off it. Non-finite points are never on it.

export interface XY {
  x: number;
  y: number;
}

/** Indices of the points on the front, in ascending x (so a step line can be drawn through them in order). */
export function paretoFront(points: readonly XY[]): number[] {
  const order = points
    .map((p, i) => i)
    .filter((i) => Number.isFinite(points[i]!.x) && Number.isFinite(points[i]!.y))
    // x ascending; for equal x the highest y first, so it is the one that sets the bar for the rest.
    .sort((a, b) => points[a]!.x - points[b]!.x || points[b]!.y - points[a]!.y);
  const front: number[] = [];
  let best = -Infinity;
  let last: XY | undefined;
  for (const i of order) {
    const p = points[i]!;
    // Strictly higher y than every point with a lower (or equal) x; a duplicate of the last front point too.
    if (p.y > best || (last && p.x === last.x && p.y === last.y)) {
      front.push(i);
      if (p.y > best) last = p;
      best = Math.max(best, p.y);
    }
  }
  return front;
}
