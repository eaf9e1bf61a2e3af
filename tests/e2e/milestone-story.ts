/**
 * The milestone-plan story's documents and its scripted model: three contracts, each with a term counted from
 * its signing date, and a model that plays the planner the way a capable one would — it plans, searches, reads
 * the terms out of the search results, has date_calc count the days, then creates the tasks and the calendar
 * entries, one per milestone, with the dates date_calc gave, and finally has the report tool make the Milestone plan,
 * its request carrying those dates — which the drafting reply reads back out of the request. It never counts days
 * itself: every date it writes is one a tool result showed it.
 */
import type { ChatMessage, ChatRequest } from '../../app/core/models/index.js';
import type { ScriptedTurn } from '../fixtures/scripted-models.js';

export interface Contract {
  name: string;
  milestone: string;
  owner: string;
  text: string;
}

const contract = (name: string, party: string, milestone: string, owner: string, term: string): Contract => ({
  name,
  milestone,
  owner,
  text: [
    `# ${party} — contract`,
    '',
    '## Parties',
    `This contract is made between Hearth Workshop Ltd and ${party}. It was signed by both parties.`,
    '',
    '## Schedule',
    `${term} The responsible person on our side is ${owner}.`,
    '',
    '## Payment',
    'Invoices are paid within the month after the work is accepted.',
  ].join('\n'),
});

export const contracts: Contract[] = [
  contract('northwind-supply.md', 'Northwind Kettles', 'Delivery', 'Ana', 'Delivery within 30 business days of signing on 2027-02-01.'),
  contract('harbour-install.md', 'Harbour Fitters', 'Installation', 'Ben', 'Installation within 20 business days of signing on 2027-03-01.'),
  contract('lantern-care.md', 'Lantern Care Co', 'Maintenance visit', 'Cleo', 'Maintenance visit within 45 calendar days of signing on 2027-04-12.'),
];

/** 2027-02-01 plus 30 US business days skips Presidents' Day (15 Feb 2027): the 16th of March, not the 15th. */
export const deliveryDue = '2027-03-16';

export const planRequest = '/plan build the milestone plan from these three contracts';

const planSteps = [
  'Search the contracts for each milestone and its term (search)',
  'Work out each milestone’s due date from its term (date_calc)',
  'Create a task for each milestone with its owner and due date (tasks)',
  'Put each milestone in the calendar on its due date (calendar)',
  'Make the Milestone plan report with the due dates (report)',
];

/** A term as the contracts write it. */
const TERM = /(Delivery|Installation|Maintenance visit) within (\d+) (business|calendar) days of signing on (\d{4}-\d{2}-\d{2})/g;
/** A due date as this model writes it in its step summaries. */
const DUE = /(Delivery|Installation|Maintenance visit) \(([A-Z][a-z]+)\) is due (\d{4}-\d{2}-\d{2})/g;

export interface Milestone {
  milestone: string;
  owner: string;
  due: string;
}

export class MilestonePlanner {
  /** The due dates date_calc gave, by milestone (what the report is drafted with). */
  readonly computed = new Map<string, string>();
  /** Requests the script did not expect, for the test to show when something else asked the model. */
  readonly unexpected: string[] = [];

  constructor(private readonly drafts: { task: (milestone: Milestone) => unknown; event: (milestone: Milestone) => unknown }) {}

  turn(request: ChatRequest): ScriptedTurn {
    if (request.responseFormat?.name === 'plan') return JSON.stringify({ steps: planSteps.map((title) => ({ title })) });
    if (request.responseFormat?.name === 'milestone-plan') return JSON.stringify(this.report(request.messages.at(-1)?.content ?? ''));
    const brief = request.messages.find((message) => message.role === 'user')?.content ?? '';
    const step = /Now do step (\d+):/.exec(brief)?.[1];
    if (!step || !request.tools?.length) {
      this.unexpected.push(request.responseFormat?.name ?? request.messages.at(-1)?.content.slice(0, 120) ?? '');
      return request.responseFormat ? '{}' : 'Done.';
    }
    const results = request.messages.filter((message): message is Extract<ChatMessage, { role: 'tool' }> => message.role === 'tool');
    switch (Number(step)) {
      case 1:
        if (results.length === 0) return [{ type: 'text', text: 'I look for the terms in the contracts.' }, { type: 'tool-call', name: 'search', input: { query: 'within days of signing on', limit: 10 } }];
        return `Terms found: ${[...new Set([...results.map((result) => result.content).join('\n').matchAll(TERM)].map((match) => match[0]))].join(' ')}`;
      case 2: {
        const terms = [...brief.matchAll(TERM)];
        if (results.length === 0) {
          return [
            { type: 'text', text: 'I let date_calc count the days of each term.' },
            ...terms.map(([, , count, unit, signed], i) => ({
              type: 'tool-call' as const,
              id: `date_${i}`,
              name: 'date_calc',
              input: { operation: 'add', date: signed, country: 'US', ...(unit === 'business' ? { business_days: Number(count) } : { days: Number(count) }) },
            })),
          ];
        }
        const lines = terms.map(([, milestone], i) => {
          const result = results.find((candidate) => candidate.toolCallId === `date_${i}`)?.content ?? '';
          const due = /"date":"(\d{4}-\d{2}-\d{2})"/.exec(result)?.[1] ?? 'unknown';
          this.computed.set(milestone!, due);
          return `${milestone} (${ownerOf(milestone!)}) is due ${due}.`;
        });
        return lines.join(' ');
      }
      case 3:
      case 4: {
        const milestones = [...brief.matchAll(DUE)].map(([, milestone, owner, due]) => ({ milestone: milestone!, owner: owner!, due: due! }));
        if (results.length > 0) return step === '3' ? `Created the ${milestones.length} tasks.` : `Added the ${milestones.length} milestones to the calendar.`;
        const when = milestones.map((item) => `${item.milestone.toLowerCase()} on ${item.due}`).join(', ');
        return step === '3'
          ? [{ type: 'text', text: `One task per milestone, due on the dates date_calc gave: ${when}.` }, { type: 'tool-call', name: 'tasks', input: { action: 'create', tasks: milestones.map(this.drafts.task) } }]
          : [{ type: 'text', text: `An all-day entry per milestone: ${when}.` }, { type: 'tool-call', name: 'calendar', input: { action: 'add', events: milestones.map(this.drafts.event) } }];
      }
      case 5: {
        if (results.length > 0) return `Made the Milestone plan: ${/"title":"([^"]+)"/.exec(results[0]!.content)?.[1] ?? 'the report'}.`;
        const lines = [...brief.matchAll(DUE)].map((match) => `${match[0]}.`);
        return [
          { type: 'text', text: 'The Milestone plan, with the dates date_calc gave.' },
          { type: 'tool-call', name: 'report', input: { template_id: 'milestone-plan', request: `The milestone plan of the three contracts. ${lines.join(' ')}`, formats: ['docx', 'ics'] } },
        ];
      }
      default:
        return 'Nothing more to do for this step.';
    }
  }

  /**
   * The Milestone plan report as the report pipeline asks for it: the milestones and dates are the ones the
   * request names (the planner wrote date_calc's dates there), each citing the passage that states its term.
   */
  private report(drafting: string) {
    const request = drafting.slice(drafting.lastIndexOf('Request:'));
    const passages = [...drafting.matchAll(/<passage number="(\d+)"[^>]*>([\s\S]*?)<\/passage>/g)].map(([, number, text]) => ({ number: Number(number), text: text! }));
    return {
      title: 'Contract milestones',
      milestones: [...request.matchAll(DUE)].map(([, milestone, owner, due], i) => ({
        id: `M${i + 1}`,
        title: milestone!,
        owner: owner!,
        due: due!,
        dependsOn: [],
        citations: [passages.find((passage) => passage.text.includes(`${milestone} within`))?.number ?? 1],
      })),
    };
  }
}

function ownerOf(milestone: string): string {
  return contracts.find((item) => item.milestone === milestone)?.owner ?? 'someone';
}
