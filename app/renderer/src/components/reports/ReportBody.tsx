/** The body of a report, laid out by its template: sections of claims, key points, an agenda, a milestone plan, or a user's own shape. */
import { useMemo } from 'react';
import type { Evidence } from '../../../../../schemas/index.js';
import { AgendaTable } from './AgendaTable.js';
import { CitationMarks } from './CitationMarks.js';
import { GenericValue } from './GenericValue.js';
import { MilestoneTable } from './MilestoneTable.js';
import { contentOf } from './report-content.js';

interface Props {
  templateId: string;
  value: unknown;
  evidence: readonly Evidence[];
}

export function ReportBody({ templateId, value, evidence }: Props) {
  const content = useMemo(() => contentOf(templateId, value, evidence.length), [templateId, value, evidence.length]);
  switch (content.kind) {
    case 'report':
      return (
        <div className="report-body" data-testid="report-body" data-layout="report">
          <p className="report-body__summary" data-testid="report-summary">
            {content.value.summary}
          </p>
          {content.value.sections.map((section, index) => (
            <section key={index} className="report-section" data-testid="report-section">
              <h3 className="report-section__heading">{section.heading}</h3>
              <ul className="report-claims">
                {section.claims.map((claim, at) => (
                  <li key={at} className="report-claim" data-testid="report-claim">
                    {claim.text} <CitationMarks numbers={claim.citations} evidence={evidence} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      );
    case 'summary':
      return (
        <div className="report-body" data-testid="report-body" data-layout="summary">
          <ol className="report-claims report-claims--numbered">
            {content.value.keyPoints.map((point, index) => (
              <li key={index} className="report-claim" data-testid="report-claim">
                {point.text} <CitationMarks numbers={point.citations} evidence={evidence} />
              </li>
            ))}
          </ol>
        </div>
      );
    case 'meeting-agenda':
      return (
        <div className="report-body" data-testid="report-body" data-layout="meeting-agenda">
          <AgendaTable agenda={content.value} evidence={evidence} />
        </div>
      );
    case 'milestone-plan':
      return (
        <div className="report-body" data-testid="report-body" data-layout="milestone-plan">
          <MilestoneTable plan={content.value} evidence={evidence} />
        </div>
      );
    case 'generic':
      return (
        <div className="report-body" data-testid="report-body" data-layout="generic">
          <GenericValue value={content.value} evidence={evidence} />
        </div>
      );
  }
}
