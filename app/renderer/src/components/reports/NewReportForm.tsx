/**
 * Starting a report: the template (Hearth's own, then the user's, labelled so), what it is for, and the request.
 * With no language model configured, a template that needs one says so before the user tries it.
 */
import { useState, type FormEvent } from 'react';
import type { TemplateInfo } from '../../../../../schemas/index.js';
import { useAppStore } from '../../state/app-store.js';
import { chooseTemplate, createReport, dismissTemplateError, isRunning, removeTemplate } from '../../state/report-actions.js';
import { useReportsStore } from '../../state/reports-store.js';

const REQUEST_HINTS: Record<string, string> = {
  report: 'What should the report cover? e.g. “How the workshop is kept, room by room”',
  summary: 'What should be summarised? e.g. “The rules for the shared workshop”',
  'meeting-agenda': 'Which meeting? e.g. “The quarterly review with the harbour office”',
  'milestone-plan': 'Which plan? e.g. “The milestones in these three contracts”',
};

export function NewReportForm() {
  const [request, setRequest] = useState('');
  const templates = useReportsStore((state) => state.templates);
  const templateId = useReportsStore((state) => state.templateId);
  const running = useReportsStore((state) => isRunning(state.run));
  const loading = useReportsStore((state) => state.loading);
  const ready = useAppStore((state) => state.connection === 'ready');
  const template = templates.find((candidate) => candidate.id === templateId);
  const canCreate = ready && !running && template !== undefined && request.trim() !== '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canCreate) createReport(request);
  };

  return (
    <form className="report-form" onSubmit={submit} aria-labelledby="report-form-title">
      <h2 id="report-form-title" className="column__title">
        New report
      </h2>
      <label className="report-form__label" htmlFor="report-template">
        Template
      </label>
      <TemplatePicker templates={templates} templateId={templateId} disabled={loading || templates.length === 0} />
      {template && <TemplateAbout template={template} />}
      <TemplateProblems />
      <label className="report-form__label" htmlFor="report-request">
        Request
      </label>
      <textarea
        id="report-request"
        data-testid="report-request"
        rows={4}
        maxLength={8000}
        placeholder={(template && REQUEST_HINTS[template.id]) ?? 'What should it be about?'}
        value={request}
        onChange={(event) => setRequest(event.target.value)}
      />
      <button type="submit" className="button button--primary" data-testid="report-create" disabled={!canCreate}>
        {running ? 'Making the report…' : 'Create'}
      </button>
    </form>
  );
}

function TemplatePicker({ templates, templateId, disabled }: { templates: TemplateInfo[]; templateId: string | null; disabled: boolean }) {
  const own = templates.filter((template) => template.builtIn);
  const users = templates.filter((template) => !template.builtIn);
  return (
    <select
      id="report-template"
      data-testid="report-template"
      value={templateId ?? ''}
      disabled={disabled}
      onChange={(event) => chooseTemplate(event.target.value)}
    >
      {templates.length === 0 && <option value="">{disabled ? 'Reading the templates…' : 'No templates'}</option>}
      <optgroup label="Hearth’s templates">
        {own.map((template) => (
          <option key={template.id} value={template.id}>
            {template.name}
          </option>
        ))}
      </optgroup>
      {users.length > 0 && (
        <optgroup label="Your templates">
          {users.map((template) => (
            <option key={template.id} value={template.id}>
              {template.name} (yours)
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}

function TemplateAbout({ template }: { template: TemplateInfo }) {
  const withoutModel = useAppStore((state) => state.info?.answerMode === 'extractive');
  return (
    <div className="report-form__about" data-testid="report-template-about">
      {template.description && <p>{template.description}</p>}
      {withoutModel && template.extractive && (
        <p className="report-form__mode">No language model is configured: this is built from the passages’ own sentences.</p>
      )}
      {withoutModel && !template.extractive && (
        <p className="report-form__mode report-form__mode--needs-model" data-testid="report-needs-model">
          Needs a language model, and none is configured. Add one on the Models page.
        </p>
      )}
      {!template.builtIn && <RemoveTemplate templateId={template.id} />}
    </div>
  );
}

function RemoveTemplate({ templateId }: { templateId: string }) {
  const work = useReportsStore((state) => (state.templateWork?.action === 'remove' ? state.templateWork : null));
  return (
    <>
      <button
        type="button"
        className="link-button report-form__remove"
        data-testid="template-remove"
        disabled={work?.status === 'working'}
        onClick={() => void removeTemplate(templateId)}
      >
        Remove this template
      </button>
      {work?.status === 'failed' && (
        <p className="report-file__error" role="alert">
          <span>Could not remove it: {work.error.message}</span>
          <button type="button" className="link-button" onClick={dismissTemplateError}>
            Dismiss
          </button>
        </p>
      )}
    </>
  );
}

/** Template files in the templates folder that could not be read: left out of the picker, with where and why. */
function TemplateProblems() {
  const problems = useReportsStore((state) => state.problems);
  if (problems.length === 0) return null;
  return (
    <div className="report-form__problems" role="note" data-testid="template-problems">
      <p>Left out of the list:</p>
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            <code>
              {problem.file}
              {problem.line !== undefined && `:${problem.line}`}
            </code>{' '}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
