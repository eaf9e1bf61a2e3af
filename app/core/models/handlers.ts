/** The models methods of the contract: the library, smoke checks, the active model per kind, and imports. */
import { HearthError } from '../../../schemas/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import { importModel } from './import.js';
import { findModel } from './library.js';
import type { ModelRuntime } from './runtime.js';
import { smokeCheck } from './smoke-check.js';

export function modelsHandlers(models: ModelRuntime): SomeHandlers<'models.list' | 'models.check' | 'models.use' | 'models.import'> {
  return {
    'models.list': () => models.describe(),
    'models.check': async ({ kind, alias }, { signal }) => {
      const entry = findModel(await models.library({ reload: true }), kind, alias);
      if (!entry) throw new HearthError('MODEL_NOT_FOUND', `There is no ${kind} model "${alias}" in the library.`);
      const report = await smokeCheck(entry, { signal });
      // The user checked it: whatever failure was kept for it, the next use opens it afresh.
      if ((await models.active(kind)) === entry) models.forgetFailure(kind);
      return report;
    },
    'models.use': async ({ kind, alias }) => {
      await models.use(kind, alias);
      return models.describe();
    },
    'models.import': async ({ path: source, alias, kind }) => {
      const result = await importModel({ library: models.libraryFolder, source, ...(alias ? { alias } : {}), ...(kind ? { kind } : {}) });
      await models.library({ reload: true });
      return result;
    },
  };
}
