/** One model of the library: its alias, where it lives, what its GGUF header says, and Use / Check with the check's report. */
import type { ModelEntryInfo } from '../../../../../schemas/index.js';
import { activateModel, checkModel } from '../../state/model-actions.js';
import { modelKey, useModelsStore } from '../../state/models-store.js';
import { formatBytes, formatParameterCount, formatTokens } from './display-text.js';
import { SmokeSteps } from './SmokeSteps.js';

const FORMAT_LABELS: Record<string, string> = { gguf: 'GGUF', onnx: 'ONNX', hf: 'Hugging Face', openai: 'OpenAI-compatible server' };

export function ModelEntryCard({ entry }: { entry: ModelEntryInfo }) {
  const key = modelKey(entry.kind, entry.alias);
  const check = useModelsStore((state) => state.checks[key]);
  const switching = useModelsStore((state) => state.switching);
  const useError = useModelsStore((state) => state.useErrors[key]);
  const checking = check?.status === 'running';

  return (
    <li
      className={entry.active ? 'model-entry model-entry--active' : 'model-entry'}
      data-testid="model-entry"
      data-kind={entry.kind}
      data-alias={entry.alias}
    >
      <div className="model-entry__head">
        <div className="model-entry__name">
          <span className="model-entry__alias">{entry.alias}</span>
          {entry.active && (
            <span className="badge badge--active" data-testid="active-badge">
              Active
            </span>
          )}
          <span className="badge">{FORMAT_LABELS[entry.format] ?? entry.format}</span>
        </div>
        <div className="model-entry__actions">
          {!entry.active && (
            <button
              type="button"
              className="button button--small"
              data-testid="model-use-button"
              disabled={switching !== null}
              onClick={() => void activateModel(entry.kind, entry.alias)}
            >
              {switching === key ? 'Switching…' : 'Use'}
            </button>
          )}
          <button
            type="button"
            className="button button--small"
            data-testid="model-check-button"
            disabled={checking}
            onClick={() => void checkModel(entry.kind, entry.alias)}
          >
            {checking ? 'Checking…' : 'Check'}
          </button>
        </div>
      </div>
      {entry.aliases.length > 0 && (
        <p className="model-entry__aliases" data-testid="model-aliases">
          Also called {entry.aliases.join(', ')}
        </p>
      )}
      <p className="model-entry__location" title={entry.location} data-testid="model-location">
        {entry.location}
      </p>
      {entry.details && <ModelDetails details={entry.details} />}
      {useError && (
        <p className="model-entry__error" role="alert">
          <code>{useError.code}</code> {useError.message}
        </p>
      )}
      {check && <SmokeSteps check={check} />}
    </li>
  );
}

/** What the GGUF header says, as a row of labelled figures; a figure the header lacks is left out. */
function ModelDetails({ details }: { details: NonNullable<ModelEntryInfo['details']> }) {
  const figures: Array<[label: string, value: string, name: string]> = [];
  if (details.architecture) figures.push(['Architecture', details.architecture, 'architecture']);
  if (details.parameters !== undefined) figures.push(['Parameters', formatParameterCount(details.parameters), 'parameters']);
  if (details.quantization) figures.push(['Quantization', details.quantization, 'quantization']);
  if (details.contextLength !== undefined) figures.push(['Context', formatTokens(details.contextLength), 'context']);
  if (details.sizeBytes !== undefined) figures.push(['Size', formatBytes(details.sizeBytes), 'size']);
  if (figures.length === 0) return null;
  return (
    <dl className="model-details" data-testid="model-details">
      {figures.map(([label, value, name]) => (
        <div key={name} className="model-details__figure">
          <dt>{label}</dt>
          <dd data-detail={name}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
