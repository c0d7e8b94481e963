import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  EXIT_CODES,
  JOB_START_ENV,
  jobStartMs,
  REPORT_FORMAT,
  reportFileName,
  serializeReport,
  writeFileAtomic,
  type RunReport,
} from '@shardwise/core/light';
import {
  queueSettingsOf,
  RedisQueue,
  runQueueJob,
  seedOrder,
  type QueueEvent,
  type QueueJobRecord,
} from '@shardwise/core/queue';
import type { Context } from '../context.js';
import { formatMs } from '../format.js';
import { cliSettings } from '../inputs.js';
import type { CommandLine } from '../options.js';
import { planShard } from '../planning.js';
import { spawnForwarding } from './run.js';

/**
 * `shard run --queue -- COMMAND [ARGS...]`: every job of the run plans the same units, the first seeds the
 * Redis queue with them longest first, and each job then runs COMMAND once per batch it claims, with the
 * batch's files appended, until the queue is done. Writes a report naming the units this job
 * acknowledged, for `shard merge`'s proof. An unreachable server fails the job at once (exit 3): a job
 * never falls back to a static shard beside jobs that use the queue.
 */
export async function runQueueCommand(ctx: Context, line: CommandLine, rest: string[]): Promise<number> {
  const { values, positionals } = line;
  const queueSettings = queueSettingsOf(values['run-id'], ctx.io.env);
  const settings = cliSettings(values, ctx);
  const { spec, planned } = await planShard(ctx, 'run', values, positionals, settings);
  const { plan } = planned.run;
  const store = planned.inputs.store.state === 'loaded' ? planned.inputs.store.store : undefined;
  const all = plan.shards.flatMap((s) => s.files);
  const msOf = (file: string) => store?.files.get(file)?.durationMs ?? plan.unknownEstimateMs;
  const units = seedOrder(all.map((unit) => ({ unit, ms: msOf(unit) })));
  const unitMs = units.length === 0 ? 0 : all.reduce((sum, f) => sum + msOf(f), 0) / units.length;
  const startupMs = plan.wall?.startupMs ?? 0;

  const started = jobStartMs(ctx.io.env);
  const startedAt = new Date(started).toISOString();
  const env = { ...ctx.io.env, [JOB_START_ENV]: String(started) };
  const queue = await RedisQueue.open({
    address: queueSettings.address,
    runId: queueSettings.runId,
    ttlSeconds: queueSettings.ttlSeconds,
    leaseMs: queueSettings.leaseMs,
  });
  const name = `job ${spec.index}/${spec.count}`;
  ctx.note(
    `queue ${queueSettings.address.display}, run ${queueSettings.runId} (from ${queueSettings.source}${queueSettings.attempt > 1 ? `, attempt ${queueSettings.attempt}` : ''}): ${name}, ${units.length} units${startupMs > 0 ? `, batches sized for a ${formatMs(startupMs)} start-up` : ''}`,
  );
  const [command, ...args] = rest as [string, ...string[]];
  await fs.mkdir(settings.reportsDir, { recursive: true });
  const file = path.join(settings.reportsDir, reportFileName('queue', spec, plan.fingerprint));
  // Written after each batch too, so a job killed mid-run still names the units it acknowledged.
  const writeReport = (record: QueueJobRecord) => {
    const report: RunReport = {
      format: REPORT_FORMAT,
      version: 1,
      runner: 'queue',
      createdAt: new Date().toISOString(),
      shard: spec,
      job: { wallMs: Date.now() - started, workers: 1, startedAt },
      queue: record,
      files: [],
    };
    return writeFileAtomic(file, serializeReport(report));
  };
  try {
    const { record, exitCode } = await runQueueJob({
      queue,
      runId: queueSettings.runId,
      attempt: queueSettings.attempt,
      job: spec.index,
      jobs: spec.count,
      fingerprint: plan.fingerprint,
      units,
      unitMs,
      startupMs,
      runBatch: (batch) => spawnForwarding(ctx, command, [...args, ...batch], settings.root, env),
      onEvent: (event) => describeEvent(ctx, event),
      onRecord: writeReport,
      now: () => Date.now() - started,
    });
    await writeReport(record);
    const wallMs = Date.now() - started;
    ctx.note(
      `${name} acknowledged ${record.acked.length} of ${units.length} units in ${record.batches.length} batch(es), took ${formatMs(wallMs)} (${formatMs(record.waitMs)} waiting for work)`,
    );
    return exitCode === 0 ? EXIT_CODES.ok : exitCode;
  } finally {
    await queue.close();
  }
}

function describeEvent(ctx: Context, event: QueueEvent): void {
  switch (event.kind) {
    case 'seeded':
      ctx.debug(event.here ? `seeded ${event.units} units` : `queue seeded by job ${event.by}`);
      return;
    case 'replay':
      ctx.note(`a re-run of this job: running the ${event.units} units it acknowledged before`);
      return;
    case 'batch':
      ctx.debug(`batch of ${event.units.length} (${event.pending} left): ${event.units.join(' ')}`);
      return;
    case 'elsewhere':
      ctx.warn(
        `${event.unit} ran here after this job's lease ran out; job ${event.job} had acknowledged it first`,
      );
      return;
    case 'heartbeat-failed':
      ctx.debug(`heartbeat: ${event.message}`);
      return;
  }
}
