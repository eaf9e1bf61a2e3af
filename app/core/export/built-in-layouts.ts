/**
 * How Hearth's own templates are laid out: a report's summary and sections of claims, a summary's key
 * points, a meeting's details and its agenda table, a milestone plan as tables grouped by the month things
 * are due. The value is checked against its template first, so a layout never draws half a shape.
 */
import { HearthError, type Evidence } from '../../../schemas/index.js';
import {
  builtInTemplates,
  type BuiltInTemplateId,
  type MeetingAgenda,
  type MilestonePlan,
  type Report,
  type Summary,
} from '../../../schemas/index.js';
import type { DocumentSection } from './report-document.js';

export interface LaidOut {
  title: string;
  sections: DocumentSection[];
}

export function layOutBuiltIn(id: BuiltInTemplateId, value: unknown, evidence: Evidence[]): LaidOut {
  const evidenceCount = Math.max(0, ...evidence.map((passage) => passage.number));
  const parsed = builtInTemplates[id].schema({ evidenceCount }).safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `/${first.path.join('/')}` : '';
    throw new HearthError('BAD_REQUEST', `The ${builtInTemplates[id].name.toLowerCase()} to render does not match its template at ${where || '/'}: ${first?.message ?? 'invalid'}.`, {
      issues: parsed.error.issues.slice(0, 10),
    });
  }
  switch (id) {
    case 'report':
      return layOutReport(parsed.data as Report);
    case 'summary':
      return layOutSummary(parsed.data as Summary);
    case 'meeting-agenda':
      return layOutAgenda(parsed.data as MeetingAgenda);
    case 'milestone-plan':
      return layOutPlan(parsed.data as MilestonePlan);
  }
}

function layOutReport(report: Report): LaidOut {
  return {
    title: report.title,
    sections: [
      { heading: 'Summary', level: 1, blocks: [{ kind: 'paragraph', text: report.summary, cites: [] }] },
      ...report.sections.map((section): DocumentSection => ({
        heading: section.heading,
        level: 1,
        blocks: [{ kind: 'claims', style: 'paragraphs', items: section.claims.map((claim) => ({ text: claim.text, cites: claim.citations })) }],
      })),
    ],
  };
}

function layOutSummary(summary: Summary): LaidOut {
  return {
    title: summary.title,
    sections: [
      {
        heading: 'Key points',
        level: 1,
        blocks: [{ kind: 'claims', style: 'bullets', items: summary.keyPoints.map((point) => ({ text: point.text, cites: point.citations })) }],
      },
    ],
  };
}

function layOutAgenda(agenda: MeetingAgenda): LaidOut {
  const total = agenda.items.reduce((sum, item) => sum + item.minutes, 0);
  let elapsed = 0;
  return {
    title: agenda.title,
    sections: [
      {
        heading: 'Meeting',
        level: 1,
        blocks: [
          {
            kind: 'facts',
            cites: [],
            facts: [
              { label: 'Date', value: agenda.date },
              { label: 'Length', value: `${total} minutes, ${agenda.items.length} ${agenda.items.length === 1 ? 'item' : 'items'}` },
              {
                label: 'Participants',
                value: agenda.participants.map((person) => (person.role ? `${person.name} (${person.role})` : person.name)).join(', '),
              },
            ],
          },
        ],
      },
      {
        heading: 'Agenda',
        level: 1,
        blocks: [
          {
            kind: 'table',
            columns: ['#', 'Time', 'Topic', 'Owner', 'Minutes', 'Decision'],
            citeColumn: 2,
            rows: agenda.items.map((item, index) => {
              const start = elapsed;
              elapsed += item.minutes;
              return {
                cells: [String(index + 1), `${clock(start)}–${clock(elapsed)}`, item.topic, item.owner, String(item.minutes), item.decisionNeeded ? 'Needed' : '—'],
                cites: item.citations ?? [],
              };
            }),
          },
        ],
      },
    ],
  };
}

/** Minutes from the start as h:mm, the way an agenda shows its time boxes. */
function clock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function layOutPlan(plan: MilestonePlan): LaidOut {
  // Grouped by the month they are due, in date order (a slide each): a plan reads as what is due when.
  const groups = new Map<string, MilestonePlan['milestones']>();
  for (const milestone of [...plan.milestones].sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id, 'en', { numeric: true }))) {
    const month = milestone.due.slice(0, 7);
    groups.set(month, [...(groups.get(month) ?? []), milestone]);
  }
  const first = plan.milestones.reduce((min, m) => (m.due < min ? m.due : min), plan.milestones[0]!.due);
  const last = plan.milestones.reduce((max, m) => (m.due > max ? m.due : max), plan.milestones[0]!.due);
  const owners = [...new Set(plan.milestones.map((milestone) => milestone.owner))];
  return {
    title: plan.title,
    sections: [
      {
        heading: 'Overview',
        level: 1,
        blocks: [
          {
            kind: 'facts',
            cites: [],
            facts: [
              { label: 'Milestones', value: String(plan.milestones.length) },
              { label: 'From', value: first },
              { label: 'To', value: last },
              { label: 'Owners', value: owners.join(', ') },
            ],
          },
        ],
      },
      ...[...groups].map(([month, milestones]): DocumentSection => ({
        heading: `Due in ${monthNames[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`,
        level: 1,
        blocks: [
          {
            kind: 'table',
            columns: ['ID', 'Milestone', 'Owner', 'Due', 'Depends on'],
            citeColumn: 1,
            rows: milestones.map((milestone) => ({
              cells: [milestone.id, milestone.title, milestone.owner, milestone.due, milestone.dependsOn.length > 0 ? milestone.dependsOn.join(', ') : '—'],
              cites: milestone.citations ?? [],
            })),
          },
        ],
      })),
    ],
  };
}
