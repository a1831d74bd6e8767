// The job page's live chart: the device's work rate (flips per second in search mode, candidates
// per second in validate mode) and the solutions found, against the job's elapsed time.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.ts';

export interface Stats { elapsedMs: number; flips: number; candidates: number; mode?: string }

export class ProgressChart {
  readonly el = h('div', { class: 'chart', 'data-points': 0 });
  private readonly data: [number[], number[], number[]] = [[], [], []];
  private last: { t: number; work: number } | null = null;
  private plot: uPlot | null = null;
  private label = '';

  /** Adds the point of one progress event. */
  add(stats: Stats, solutions: number): void {
    const t = stats.elapsedMs / 1000;
    const label = stats.mode === 'search' ? 'flips/s' : 'candidates/s';
    const work = stats.mode === 'search' ? stats.flips : stats.candidates;
    // The mode is known once the job runs: a change starts the chart again with the right rate.
    if (label !== this.label) this.reset(label);
    if (this.last !== null && t <= this.last.t) return;
    const rate = this.last === null ? 0 : (work - this.last.work) / (t - this.last.t);
    this.last = { t, work };
    this.data[0].push(t);
    this.data[1].push(Math.max(0, rate));
    this.data[2].push(solutions);
    this.el.dataset.points = String(this.data[0].length);
    this.render();
  }

  private reset(label: string): void {
    this.label = label;
    this.last = null;
    for (const column of this.data) column.length = 0;
    this.plot?.destroy();
    this.plot = null;
  }

  private render(): void {
    const label = this.label;
    if (this.plot === null) {
      this.plot = new uPlot({
        width: 640, height: 220,
        legend: { live: false },
        scales: { x: { time: false }, n: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ label: 'elapsed s' }, { scale: 'rate', label }, { scale: 'n', side: 1, label: 'solutions', grid: { show: false } }],
        series: [{}, { label, scale: 'rate', stroke: '#4e79a7', width: 2 }, { label: 'solutions', scale: 'n', stroke: '#e15759', width: 2, paths: uPlot.paths.stepped!({ align: 1 }) }],
      }, this.data, this.el);
    } else {
      this.plot.setData(this.data);
    }
  }
}
