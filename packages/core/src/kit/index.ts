// The runner kit: every rule a runner plugin shares with the others. Loads no dependency (see run-kit.ts).
export {
  SETTINGS,
  SETTINGS_ENV,
  settingsFor,
  settingsTable,
  withSettingsTables,
  type FrontEnd,
  type SettingKind,
  type SettingRow,
} from '../base/settings-table.js';
export { checkOptions, optionValues, type OptionNaming, type SettingsResolver } from './option-check.js';
export {
  planShard,
  unshardedPlan,
  finishRun,
  type PlanShardInput,
  type FinishRunInput,
  type FinishedRun,
} from './run-kit.js';
export { versionAtLeast } from './version.js';
export { fileKey } from './keys.js';
export { notice, warn } from './notice.js';
