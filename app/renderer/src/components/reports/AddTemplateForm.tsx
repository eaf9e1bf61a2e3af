/**
 * Adding a template of one's own: a name and a JSON Schema, pasted or read from a file. The core checks the
 * schema before keeping it; what it refuses is said beside the form (the line of a JSON mistake, or the
 * pointer of the part no value could satisfy).
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { addTemplate, dismissTemplateError } from '../../state/report-actions.js';
import { useReportsStore } from '../../state/reports-store.js';

export function AddTemplateForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [schemaText, setSchemaText] = useState('');
  const work = useReportsStore((state) => (state.templateWork?.action === 'add' ? state.templateWork : null));
  const ready = useReportsStore((state) => state.spaceId !== null && !state.loading);
  const canAdd = ready && work?.status !== 'working' && name.trim() !== '' && schemaText.trim().length >= 2;

  // A picked file only fills the form: the text is what is sent, so the user sees what the core is asked to keep.
  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setSchemaText(await file.text());
    if (name.trim() === '') setName(file.name.replace(/\.json$/i, ''));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canAdd) return;
    if (await addTemplate({ name, description, schemaText })) {
      setName('');
      setDescription('');
      setSchemaText('');
    }
  };

  return (
    <details className="template-form" data-testid="template-form">
      <summary>Add a template</summary>
      <form onSubmit={(event) => void submit(event)}>
        <label className="report-form__label" htmlFor="template-name">
          Name
        </label>
        <input id="template-name" data-testid="template-name" maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        <label className="report-form__label" htmlFor="template-description">
          What it is for <span className="muted">(optional)</span>
        </label>
        <input
          id="template-description"
          data-testid="template-description"
          maxLength={1000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <label className="report-form__label" htmlFor="template-schema">
          JSON Schema
        </label>
        <input type="file" accept=".json,application/json" aria-label="Read the schema from a file" onChange={(event) => void pick(event)} />
        <textarea
          id="template-schema"
          data-testid="template-schema"
          rows={6}
          spellCheck={false}
          placeholder='{ "type": "object", "properties": { … }, "required": [ … ] }'
          value={schemaText}
          onChange={(event) => setSchemaText(event.target.value)}
        />
        {work?.status === 'failed' && (
          <p className="report-file__error" role="alert" data-testid="template-error">
            <span>{work.error.message}</span>
            <button type="button" className="link-button" onClick={dismissTemplateError}>
              Dismiss
            </button>
          </p>
        )}
        <button type="submit" className="button button--small" data-testid="template-add" disabled={!canAdd}>
          {work?.status === 'working' ? 'Checking…' : 'Add template'}
        </button>
      </form>
    </details>
  );
}
