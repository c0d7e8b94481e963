/**
 * The HTML report of a run: one self-contained file (inline CSS, a few lines of optional JavaScript, no
 * network), so it opens from a CI artifact with `file://`. Everything essential is plain HTML: the timeline
 * is positioned in percentages of the run's longest clock, so it fits any width without scrolling sideways,
 * and the script only adds a filter. Pure: a string from a {@link PipelineSummary}.
 */
import type { FileStatus } from '../formats/report.js';
import { shardCells, SHARD_HEADER, predictionNote } from './merge-words.js';
import type { FileBar, JobView, PipelineSummary, TestTrack } from './pipeline.js';
import { formatMs, signedPercent } from './text.js';

/** Beyond this many worker lanes in all, each job's workers share one lane. */
export const MAX_LANES = 240;
/** Beyond this many files on one lane, the files that start in one slice of its time are drawn as one bar. */
export const MAX_BARS_PER_LANE = 240;
/** The bars of all lanes together: each lane's share of it, up to {@link MAX_BARS_PER_LANE}, keeps a file of 100,000 files at a few MB. */
export const MAX_BARS = 16_000;

/** How the report is titled. */
export interface HtmlOptions {
  /** @default 'shardwise pipeline report' */
  title?: string;
}

/**
 * The report as one HTML document.
 *
 * @example
 * await writeFileAtomic('report.html', renderHtml(describePipeline(input)));
 */
export function renderHtml(summary: PipelineSummary, options: HtmlOptions = {}): string {
  const title = options.title ?? 'shardwise pipeline report';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1>${headline(summary)}</header>`,
    '<main>',
    timeline(summary),
    predictions(summary),
    proof(summary),
    files(summary),
    tests(summary.tests),
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

function headline(s: PipelineSummary): string {
  const verdict = !s.coverage.checked
    ? '<p class="verdict unknown">The reports carry no plan: coverage not verified.</p>'
    : s.coverage.ok
      ? `<p class="verdict ok">✔ Every planned test file ran exactly once (${s.coverage.planned} files).</p>`
      : `<p class="verdict bad">✘ Coverage check failed: ${s.coverage.problems.length} problem(s), see <a href="#proof">the proof</a>.</p>`;
  const figures: [string, string][] = [
    ['Jobs', String(s.jobs.length)],
    ['Files', String(s.files)],
  ];
  if (s.wallMs !== undefined) figures.push(['Wall', formatMs(s.wallMs)]);
  if (s.balance) {
    figures.push([
      'Balance',
      `${formatMs(s.balance.fastestMs)}–${formatMs(s.balance.slowestMs)}, slowest ${signedPercent(s.balance.overMean)} over the mean`,
    ]);
  }
  if (s.lowerBoundMs !== undefined) figures.push(['Lower bound', formatMs(s.lowerBoundMs)]);
  return [
    verdict,
    `<dl class="figures">${figures.map(([k, v]) => `<div><dt>${k}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`,
    s.slowest ? `<p class="slowest"><b>Slowest:</b> ${esc(s.slowest)}</p>` : '',
    ...s.machineJobs.map((m) => `<p class="machine">${esc(m)}</p>`),
  ].join('\n');
}

const STATUS_CLASS: Record<FileStatus, string> = {
  passed: 'ok',
  failed: 'bad',
  skipped: 'skip',
  interrupted: 'cut',
};
/** Worst first: an aggregated bar shows the worst of its files. */
const SEVERITY = ['bad', 'cut', 'flaky', 'skip', 'ok'];

function barClass(b: FileBar): string {
  return b.flaky && b.status === 'passed' ? 'flaky' : STATUS_CLASS[b.status];
}

function timeline(s: PipelineSummary): string {
  const scale = Math.max(
    1,
    ...s.jobs.flatMap((j) => [
      j.wallMs ?? 0,
      j.predictedMs ?? 0,
      ...j.workers.flatMap((w) => w.bars.map((b) => b.endMs)),
    ]),
  );
  const pct = (ms: number) => `${+((Math.max(0, ms) / scale) * 100).toFixed(2)}%`;
  const lanes = s.jobs.reduce((n, j) => n + j.workers.length, 0);
  const collapse = lanes > MAX_LANES;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<span style="left:${f * 100}%">${formatMs(f * scale)}</span>`)
    .join('');
  const shown = collapse ? s.jobs.length : lanes;
  const perLane = Math.max(40, Math.min(MAX_BARS_PER_LANE, Math.floor(MAX_BARS / Math.max(1, shown))));
  const jobs = s.jobs.map((j) =>
    jobHtml(j, collapse ? collapsed(j) : j.workers, { pct, scale, perLane, lowerBoundMs: s.lowerBoundMs }),
  );
  return [
    '<section id="timeline"><h2>Timeline</h2>',
    '<p class="note">One lane per job and worker, a bar per file coloured by outcome, on each job’s own clock. ' +
      'Hatched: the job’s start-up before its first file and after its last; pale: a worker waiting between files. ' +
      'Markers: <span class="key pred"></span> predicted end, <span class="key end"></span> actual end' +
      (s.lowerBoundMs === undefined ? '' : ', <span class="key lb"></span> lower bound') +
      '.' +
      (collapse ? ` ${lanes} worker lanes: each job’s workers are drawn on one lane.` : '') +
      '</p>',
    `<p class="legend">${['ok passed', 'bad failed', 'flaky passed on retry', 'skip skipped', 'cut cut short']
      .map((l) => {
        const [c, ...t] = l.split(' ');
        return `<span class="key ${c}"></span>${t.join(' ')}`;
      })
      .join(' ')}</p>`,
    '<p class="filter" hidden><label>Find a file <input type="search" id="find"></label></p>',
    `<div class="axis"><div></div><div class="ticks">${ticks}</div></div>`,
    ...jobs,
    '</section>',
  ].join('\n');
}

/** A job's workers on one lane, for runs with more lanes than a screen shows. */
function collapsed(j: JobView): JobView['workers'] {
  if (j.workers.length <= 1) return j.workers;
  const bars = j.workers.flatMap((w) => w.bars).sort((a, b) => a.startMs - b.startMs);
  return [{ worker: 0, bars }];
}

/** How a lane is drawn: positions in percent of the run's longest clock, and how many bars a lane gets. */
interface Scale {
  pct: (ms: number) => string;
  scale: number;
  perLane: number;
  lowerBoundMs: number | undefined;
}

function jobHtml(j: JobView, workers: JobView['workers'], at: Scale): string {
  const { pct, lowerBoundMs } = at;
  const predicted =
    j.predictedMs === undefined
      ? ''
      : `, predicted ${formatMs(j.predictedMs)}${j.wallMs === undefined || j.predictedMs === 0 ? '' : ` (${signedPercent((j.wallMs - j.predictedMs) / j.predictedMs)})`}`;
  const startup = j.startupMs === undefined ? '' : `, start-up ${formatMs(j.startupMs)}`;
  const head =
    `<div class="jobhead"><b>${esc(j.name)}</b> ${j.files} file(s)` +
    `${j.wallMs === undefined ? '' : `, ${formatMs(j.wallMs)}`}${predicted}${startup}` +
    `${j.untimed > 0 ? `; ${j.untimed} file(s) with no place on its clock` : ''}</div>`;
  const labels = workers.map(
    (w) => `<div>${w.worker === 0 ? `${j.workers.length} w` : `w${w.worker}`}</div>`,
  );
  const lanes = workers.map((w) => laneHtml(w, j, at));
  if (workers.length === 0) {
    labels.push('<div>–</div>');
    lanes.push('<div class="lane empty">no timeline</div>');
  }
  const marks: string[] = [];
  if (j.predictedMs !== undefined)
    marks.push(mark('pred', pct(j.predictedMs), `predicted end ${formatMs(j.predictedMs)}`));
  if (j.wallMs !== undefined) marks.push(mark('end', pct(j.wallMs), `ended at ${formatMs(j.wallMs)}`));
  if (lowerBoundMs !== undefined)
    marks.push(mark('lb', pct(lowerBoundMs), `lower bound ${formatMs(lowerBoundMs)}`));
  return (
    `<div class="job" data-shard="${j.shard ?? ''}" data-runner="${esc(j.runner)}">${head}` +
    `<div class="jobbody"><div class="labels">${labels.join('')}</div>` +
    `<div class="tracks">${lanes.join('')}${marks.join('')}</div></div></div>`
  );
}

function mark(kind: string, left: string, title: string): string {
  return `<div class="mark ${kind}" style="left:${left}" title="${title}"></div>`;
}

function laneHtml(w: JobView['workers'][number], j: JobView, at: Scale): string {
  const { pct, scale } = at;
  const out: string[] = [];
  const first = w.bars[0];
  const last = w.bars.reduce((end, b) => Math.max(end, b.endMs), 0);
  if (first && first.startMs > 0)
    out.push(
      `<div class="su" style="width:${pct(first.startMs)}" title="start-up: ${formatMs(first.startMs)} before its first file"></div>`,
    );
  if (j.wallMs !== undefined && last < j.wallMs)
    out.push(
      `<div class="su" style="left:${pct(last)};width:${pct(j.wallMs - last)}" title="${formatMs(j.wallMs - last)} after its last file"></div>`,
    );
  if (w.bars.length > at.perLane) {
    for (const group of sliced(w.bars, scale / at.perLane)) out.push(groupHtml(group, pct));
    return `<div class="lane" data-worker="${w.worker}">${out.join('')}</div>`;
  }
  let end: number | undefined;
  let before: FileBar | undefined;
  for (const b of w.bars) {
    if (end !== undefined && b.startMs - end >= scale / 200)
      out.push(
        `<div class="wait" style="left:${pct(end)};width:${pct(b.startMs - end)}" title="waited ${formatMs(b.startMs - end)} after ${esc(before!.label)}"></div>`,
      );
    out.push(
      `<div class="bar ${barClass(b)}" style="left:${pct(b.startMs)};width:${pct(b.endMs - b.startMs)}" data-file="${esc(b.label)}" title="${esc(b.label)}: ${b.status}${b.flaky ? ', passed on retry' : ''}, ${formatMs(b.endMs - b.startMs)} (${formatMs(b.startMs)}–${formatMs(b.endMs)})">${esc(shortName(b))}</div>`,
    );
    end = Math.max(end ?? 0, b.endMs);
    before = b;
  }
  return `<div class="lane" data-worker="${w.worker}">${out.join('')}</div>`;
}

/** The bars by the slice of `sliceMs` their file started in (bars in start order). */
function sliced(bars: readonly FileBar[], sliceMs: number): FileBar[][] {
  const groups: FileBar[][] = [];
  let slice = -1;
  for (const b of bars) {
    const at = Math.floor(b.startMs / sliceMs);
    if (at !== slice) {
      groups.push([]);
      slice = at;
    }
    groups.at(-1)!.push(b);
  }
  return groups;
}

function groupHtml(group: readonly FileBar[], pct: (ms: number) => string): string {
  if (group.length === 1) {
    const b = group[0]!;
    return `<div class="bar ${barClass(b)}" style="left:${pct(b.startMs)};width:${pct(b.endMs - b.startMs)}" data-file="${esc(b.label)}" title="${esc(b.label)}: ${b.status}, ${formatMs(b.endMs - b.startMs)}"></div>`;
  }
  let start = Infinity;
  let end = 0;
  let failed = 0;
  const classes = new Set<string>();
  for (const b of group) {
    start = Math.min(start, b.startMs);
    end = Math.max(end, b.endMs);
    if (b.status === 'failed') failed++;
    classes.add(barClass(b));
  }
  const worst = SEVERITY.find((c) => classes.has(c))!;
  return `<div class="bar agg ${worst}" style="left:${pct(start)};width:${pct(end - start)}" data-files="${group.length}" title="${group.length} files, ${formatMs(start)}–${formatMs(end)}${failed > 0 ? `, ${failed} failed` : ''}"></div>`;
}

/** A bar's text: the file's base name, and which piece. */
function shortName(b: FileBar): string {
  return b.file.slice(b.file.lastIndexOf('/') + 1) + b.label.slice(b.file.length);
}

function predictions(s: PipelineSummary): string {
  if (s.rows.length === 0) return '';
  const max = Math.max(1, ...s.rows.flatMap((r) => [r.predictedMs, r.wallMs ?? 0]), s.lowerBoundMs ?? 0);
  const rows = s.rows.map((r) => {
    const cells = shardCells(r, s.shardCount).map((c) => `<td>${esc(c)}</td>`);
    const chart =
      `<td class="chart"><div class="pbar" style="width:${(r.predictedMs / max) * 100}%"></div>` +
      (r.wallMs === null ? '' : `<div class="abar" style="width:${(r.wallMs / max) * 100}%"></div>`) +
      '</td>';
    return `<tr>${cells.join('')}${chart}</tr>`;
  });
  const bound =
    s.lowerBoundMs === undefined
      ? ''
      : `<p>Lower bound: no plan of these files on ${s.shardCount} shard(s) finishes its slowest job before ${formatMs(s.lowerBoundMs)}` +
        (s.wallMs === undefined ? '.' : `; the slowest job took ${formatMs(s.wallMs)}.`) +
        '</p>';
  return [
    '<section id="predicted"><h2>Predicted against actual</h2>',
    `<table><thead><tr>${SHARD_HEADER.map((h) => `<th>${h}</th>`).join('')}<th>Predicted ▭ / actual ▬</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
    `<p class="note">${esc(predictionNote(s.rows))}</p>`,
    bound,
    '</section>',
  ].join('\n');
}

function proof(s: PipelineSummary): string {
  const c = s.coverage;
  const verdict = !c.checked
    ? '<p>Not verified: the reports carry no plan (imports and unsharded runs have none).</p>'
    : c.ok
      ? `<p class="verdict ok">Verified: all ${c.planned} planned files ran exactly once across ${s.shardCount} shard(s).</p>`
      : `<p class="verdict bad">Failed:</p><ul>${c.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`;
  const list = (title: string, files: readonly string[]) =>
    files.length === 0
      ? ''
      : `<h3>${title} (${files.length})</h3><ul class="files">${files.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul>`;
  return [
    '<section id="proof"><h2>Exactly once</h2>',
    verdict,
    list('Missing: planned, not run', c.missing),
    list('Run more than once', c.doubled),
    '</section>',
  ].join('\n');
}

function files(s: PipelineSummary): string {
  const slow = s.slowestFiles.map(
    (f) =>
      `<tr><td><code>${esc(f.label)}</code></td><td>${f.shard ?? '-'}</td><td>${f.status}</td><td>${formatMs(f.durationMs)}</td></tr>`,
  );
  const moved = s.moved.map((m) => {
    const change =
      m.beforeMs === undefined ? 'new' : m.beforeMs === 0 ? '' : signedPercent(m.afterMs / m.beforeMs - 1);
    return `<tr><td><code>${esc(m.file)}</code></td><td>${m.beforeMs === undefined ? '-' : formatMs(m.beforeMs)}</td><td>${formatMs(m.afterMs)}</td><td>${change}</td></tr>`;
  });
  return [
    '<section id="files"><h2>Slowest files</h2>',
    `<table><thead><tr><th>File</th><th>Shard</th><th>Outcome</th><th>Time</th></tr></thead><tbody>${slow.join('')}</tbody></table>`,
    '<h2>What moved since the last run</h2>',
    moved.length === 0
      ? '<p>No stored duration moved past the merge’s threshold, and no file is new.</p>'
      : `<table><thead><tr><th>File</th><th>Stored before</th><th>Stored now</th><th>Change</th></tr></thead><tbody>${moved.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

const OUTCOME: Record<string, [string, string]> = {
  p: ['ok', 'passed'],
  f: ['bad', 'failed'],
  y: ['flaky', 'passed on retry'],
};

function tests(list: readonly TestTrack[]): string {
  if (list.length === 0)
    return '<section id="tests"><h2>Flaky and broken tests</h2><p>None in the history.</p></section>';
  const rows = list.map((t) => {
    const q = t.quarantine;
    const state = !q
      ? '-'
      : q.expired
        ? `<span class="bad">expired on ${esc(q.expires!)}</span>: ${esc(q.reason)}`
        : `quarantined${q.expires ? ` until ${esc(q.expires)}` : ''}${q.owner ? ` (${esc(q.owner)})` : ''}: ${esc(q.reason)}`;
    return (
      `<tr${t.newly ? ' class="newly"' : ''}><td>${t.status}${t.newly ? ' (new)' : ''}</td>` +
      `<td><code>${esc(t.file)}</code> › ${esc(t.name)}</td><td>${t.reason}</td>` +
      `<td>${t.failures} of ${t.runs}</td><td>${strip(t.strip)}</td><td>${state}</td></tr>`
    );
  });
  return [
    '<section id="tests"><h2>Flaky and broken tests</h2>',
    '<table><thead><tr><th>Status</th><th>Test</th><th>Why</th><th>Failed runs</th><th>Recent runs, oldest first</th><th>Quarantine</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

/** The last runs of a test as an inline SVG strip, one cell per run. */
function strip(outcomes: readonly string[]): string {
  const shown = outcomes.slice(-30);
  const cells = shown.map((o, i) => {
    const [cls, word] = OUTCOME[o] ?? ['skip', o];
    return `<rect x="${i * 7}" width="6" height="12" class="${cls}"><title>${word}</title></rect>`;
  });
  const text = shown.map((o) => (o === 'p' ? 'pass' : o === 'f' ? 'FAIL' : 'retry')).join(' ');
  return `<svg class="strip" width="${shown.length * 7}" height="12" role="img" aria-label="${text}">${cells.join('')}</svg>`;
}

/** Text for HTML content and attribute values. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{--ok:#2da44e;--bad:#cf222e;--skip:#8c959f;--cut:#bc4c00;--flaky:#d4a72c;--pred:#0969da;--lb:#8250df;font:14px/1.4 system-ui,sans-serif;color:#1f2328}
body{margin:0 auto;padding:0 16px 32px;max-width:1400px;box-sizing:border-box}
h1{font-size:20px;margin:16px 0 8px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:14px}
.verdict.ok{color:var(--ok)}.verdict.bad,.bad{color:var(--bad)}
.figures{display:flex;flex-wrap:wrap;gap:8px 24px;margin:8px 0}.figures dt{font-size:12px;color:#59636e}.figures dd{margin:0;font-weight:600}
.note{color:#59636e;font-size:12px}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px;vertical-align:middle;background:var(--skip)}
.key.ok{background:var(--ok)}.key.bad{background:var(--bad)}.key.flaky{background:var(--flaky)}.key.cut{background:var(--cut)}
.key.pred{background:var(--pred);width:3px}.key.end{background:#1f2328;width:3px}.key.lb{background:var(--lb);width:3px}
.axis,.jobbody{display:grid;grid-template-columns:3.5rem minmax(0,1fr)}
.ticks{position:relative;height:16px;font-size:11px;color:#59636e}.ticks span{position:absolute;transform:translateX(-50%);white-space:nowrap}
.ticks span:first-child{transform:none}.ticks span:last-child{transform:translateX(-100%)}
.job{margin:2px 0 6px}.jobhead{font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.labels div{height:16px;font-size:11px;color:#59636e;line-height:16px}
.tracks{position:relative;overflow:hidden;background:#f6f8fa}
.lane{position:relative;height:16px;border-bottom:1px solid #fff;box-sizing:border-box}
.lane.empty{font-size:11px;color:#59636e;padding-left:4px}
.bar{position:absolute;top:1px;bottom:1px;min-width:1px;font-size:10px;line-height:13px;color:#fff;overflow:hidden;white-space:nowrap;text-overflow:clip;padding-left:2px;box-sizing:border-box;border-right:1px solid #fff;background:var(--skip)}
.bar.ok{background:var(--ok)}.bar.bad{background:var(--bad)}.bar.flaky{background:var(--flaky);color:#1f2328}.bar.cut{background:var(--cut)}
.bar.agg{border-right:0;opacity:.85}.bar.dim{opacity:.15}
.su{position:absolute;top:0;bottom:0;left:0;background:repeating-linear-gradient(135deg,#d0d7de 0 3px,#f6f8fa 3px 6px)}
.wait{position:absolute;top:4px;bottom:4px;background:#fff8c5}
.mark{position:absolute;top:0;bottom:0;width:2px;margin-left:-1px}
.mark.pred{background:var(--pred)}.mark.end{background:#1f2328}.mark.lb{border-left:2px dashed var(--lb);width:0}
table{border-collapse:collapse;font-size:13px;max-width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #d0d7de;vertical-align:top}
td code{word-break:break-all}
td.chart{width:30%;min-width:120px}.pbar{height:6px;border:1px solid var(--pred);box-sizing:border-box}.abar{height:6px;background:#1f2328;margin-top:2px}
tr.newly{background:#fff8c5}
.strip rect.ok{fill:var(--ok)}.strip rect.bad{fill:var(--bad)}.strip rect.flaky{fill:var(--flaky)}.strip rect.skip{fill:var(--skip)}
ul.files{columns:2;font-size:12px}
`.trim();

// Optional: a filter that dims the bars of other files. The report reads the same without it.
const SCRIPT = `
(function(){var p=document.querySelector('.filter'),f=document.getElementById('find');if(!p||!f)return;p.hidden=false;
f.addEventListener('input',function(){var q=f.value.toLowerCase();document.querySelectorAll('.bar').forEach(function(b){
var n=(b.getAttribute('data-file')||'').toLowerCase();b.classList.toggle('dim',q!==''&&n.indexOf(q)<0);});});})();
`.trim();
