/** The model library: what is installed and active, smoke checks, imports, and the choice of model per kind. */
import { z } from 'zod';
import { ModelImportResult, ModelKindName, ModelLibraryInfo, SmokeReport } from '../models.js';
import { call, onServer } from './spec.js';

const ModelRef = z.object({ kind: ModelKindName, alias: z.string().min(1) });

export const modelsMethods = {
  'models.list': call(z.object({}), ModelLibraryInfo, onServer('member')),
  /** Loads the model and runs its smoke test: heavy (it holds the machine's memory for a while), so an admin's call. */
  'models.check': call(ModelRef, SmokeReport, onServer('admin')),
  'models.use': call(ModelRef, ModelLibraryInfo, onServer('admin')),
  'models.import': call(
    z.object({ path: z.string().min(1), alias: z.string().min(1).optional(), kind: ModelKindName.optional() }),
    ModelImportResult,
    onServer('admin'),
  ),
} as const;
