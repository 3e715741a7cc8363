/** Pure geometry of the summary charts, kept apart from the DOM so it can be tested on its own. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface BarSegment<K extends string> {
  bucketIndex: number;
  key: K;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`, so axis labels stay round; 1 for nothing at all. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value * (1 - 1e-12)) ?? 10;
  return step * magnitude;
}

/** One stacked bar per bucket, segments in `order` from the bottom up; empty segments are left out. */
export function stackedBars<K extends string>(buckets: readonly Record<K, number>[], order: readonly K[], plot: PlotArea, max: number): BarSegment<K>[] {
  if (buckets.length === 0) return [];
  const slot = plot.width / buckets.length;
  const barWidth = Math.max(1, slot * 0.8);
  const scale = plot.height / (max > 0 ? max : 1);
  const segments: BarSegment<K>[] = [];
  buckets.forEach((counts, bucketIndex) => {
    let base = plot.top + plot.height;
    for (const key of order) {
      const value = counts[key] ?? 0;
      if (value <= 0) continue;
      const height = value * scale;
      base -= height;
      segments.push({ bucketIndex, key, value, x: plot.left + bucketIndex * slot + (slot - barWidth) / 2, y: base, width: barWidth, height });
    }
  });
  return segments;
}

/** An SVG path through each bucket's middle; a missing value (null) breaks the line instead of dropping to zero. */
export function linePath(values: readonly (number | null)[], plot: PlotArea, max: number): string {
  if (values.length === 0) return '';
  const slot = plot.width / values.length;
  const scale = plot.height / (max > 0 ? max : 1);
  const commands: string[] = [];
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    const x = plot.left + index * slot + slot / 2;
    const y = plot.top + plot.height - Math.min(value, max) * scale;
    commands.push(`${drawing ? 'L' : 'M'}${round(x)} ${round(y)}`);
    drawing = true;
  });
  return commands.join(' ');
}

/** Indexes of the buckets that get an x-axis label: at most `maxLabels`, evenly spread, the first always. */
export function labelledIndexes(count: number, maxLabels: number): number[] {
  if (count <= 0 || maxLabels <= 0) return [];
  const every = Math.max(1, Math.ceil(count / maxLabels));
  return Array.from({ length: count }, (_, index) => index).filter((index) => index % every === 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
