/**
 * Reports as the export tests render them: the passages retrieved for a supply project (a contract PDF, a
 * Russian one, meeting notes, a budget sheet, a slide deck) and a validated value for each of Hearth's
 * templates and for a user's template, each citing those passages by number.
 */
import type { Evidence } from '../../../schemas/index.js';
import type { MeetingAgenda, MilestonePlan, Report, Summary } from '../../../schemas/reports/index.js';
import type { RenderInput } from '../../../app/core/export/index.js';

export const evidence: Evidence[] = [
  passage(1, 'Supply contract.pdf', ['Payment', 'Terms'], 'The buyer pays 30% on signature and the rest within 45 days of delivery of each batch.', { page: 4 }),
  passage(2, 'Supply contract.pdf', ['Delivery'], 'The first batch of 400 pumps is delivered to the Kazan warehouse by 15 March 2026; later batches follow monthly.', { page: 6, pageEnd: 7 }),
  passage(3, 'Kickoff notes.docx', ['Decisions'], 'Anna Petrova owns the delivery schedule; Boris Ivanov checks each batch on arrival.', {}),
  passage(4, 'Budget.xlsx', [], 'Pumps: 400 units at 1,250 EUR; freight 18,000 EUR; inspection 6,500 EUR.', { sheet: '2026', cells: 'A1:D12' }),
  passage(5, 'Договор поставки.pdf', ['Сроки поставки'], 'Поставщик уведомляет покупателя о задержке не позднее чем за 10 дней.', { page: 2 }),
  passage(6, 'Steering deck.pptx', ['Risks'], 'Customs clearance at the border can add up to two weeks in spring.', { slide: 3 }),
];

function passage(number: number, documentName: string, headingPath: string[], text: string, where: Partial<Evidence['citation']>): Evidence {
  return {
    number,
    text,
    citation: {
      documentId: `doc-${documentName.length}-${number}`,
      documentName,
      chunkId: `chunk-${number}`,
      headingPath,
      start: 0,
      end: text.length,
      snippet: text,
      ...where,
    },
  };
}

export const report: Report = {
  title: 'Pump supply: payment and delivery',
  summary: 'The contract fixes a 30% advance and monthly batches from March; the main risk is customs delay.',
  sections: [
    {
      heading: 'Payment terms',
      claims: [
        { text: 'The buyer pays 30% when the contract is signed.', citations: [1] },
        { text: 'The remainder is due within 45 days of each delivered batch, budgeted at 1,250 EUR a pump.', citations: [1, 4] },
      ],
    },
    {
      heading: 'Delivery and risks',
      claims: [
        { text: 'The first 400 pumps reach the Kazan warehouse by 15 March 2026.', citations: [2] },
        { text: 'Поставщик предупреждает о задержке за 10 дней.', citations: [5] },
        { text: 'Customs clearance may add two weeks in spring.', citations: [6] },
      ],
    },
  ],
};

export const summary: Summary = {
  title: 'Pump supply in brief',
  keyPoints: [
    { text: 'A 30% advance is paid on signature.', citations: [1] },
    { text: 'Batches arrive monthly from 15 March 2026.', citations: [2] },
    { text: 'Anna Petrova owns the schedule and Boris Ivanov inspects batches.', citations: [3] },
  ],
};

export const agenda: MeetingAgenda = {
  title: 'Delivery readiness review',
  date: '2026-03-02',
  participants: [
    { name: 'Anna Petrova', role: 'Delivery lead' },
    { name: 'Boris Ivanov', role: 'Quality' },
    { name: 'Chen Wei' },
  ],
  items: [
    { topic: 'Confirm the first batch date', owner: 'Anna Petrova', minutes: 15, decisionNeeded: true, citations: [2] },
    { topic: 'Inspection checklist on arrival', owner: 'Boris Ivanov', minutes: 20, decisionNeeded: false, citations: [3] },
    { topic: 'Customs buffer in the plan', owner: 'Chen Wei', minutes: 10, decisionNeeded: true, citations: [6] },
  ],
};

export const plan: MilestonePlan = {
  title: 'Pump supply milestones',
  milestones: [
    { id: 'M1', title: 'Contract signed, advance paid', owner: 'Anna Petrova', due: '2026-02-10', dependsOn: [], citations: [1] },
    { id: 'M2', title: 'Customs documents filed', owner: 'Chen Wei', due: '2026-02-25', dependsOn: ['M1'], citations: [6] },
    { id: 'M3', title: 'First batch at the Kazan warehouse', owner: 'Anna Petrova', due: '2026-03-15', dependsOn: ['M1', 'M2'], citations: [2] },
    { id: 'M4', title: 'First batch inspected', owner: 'Boris Ivanov', due: '2026-03-20', dependsOn: ['M3'], citations: [3] },
    { id: 'M5', title: 'Second batch delivered', owner: 'Anna Petrova', due: '2026-04-15', dependsOn: ['M3'], citations: [2] },
  ],
};

/** A user's template: a risk register, shaped however its author liked. */
export const riskRegister = {
  name: 'Supply risk register',
  status: 'Draft',
  reviewedOn: '2026-02-01',
  context: 'Risks to the pump supply found in the contract, the budget and the steering deck, with who watches each.',
  risks: [
    { risk: 'Customs delay', likelihood: 'medium', impact: 'two weeks late', owner: 'Chen Wei', citations: [6] },
    { risk: 'Late payment', likelihood: 'low', impact: 'delivery held', owner: 'Anna Petrova', citations: [1] },
  ],
  nextSteps: ['Book a customs broker', 'Agree the inspection checklist'],
};

const base = { request: 'Build it from the contract, the notes and the budget.', createdAt: '2026-02-01T09:30:00.000Z' };

export const inputs = {
  report: { template: { id: 'report', name: 'Report', builtIn: true }, value: report, evidence, report: { ...base, id: 'rep-report', title: report.title, extractive: false, model: 'qwen2.5-7b-instruct' } },
  summary: { template: { id: 'summary', name: 'Summary', builtIn: true }, value: summary, evidence, report: { ...base, id: 'rep-summary', title: summary.title, extractive: true } },
  agenda: { template: { id: 'meeting-agenda', name: 'Meeting agenda', builtIn: true }, value: agenda, evidence, report: { ...base, id: 'rep-agenda', title: agenda.title, extractive: false, model: 'qwen2.5-7b-instruct' } },
  plan: { template: { id: 'milestone-plan', name: 'Milestone plan', builtIn: true }, value: plan, evidence, report: { ...base, id: 'rep-plan', title: plan.title, extractive: false, model: 'qwen2.5-7b-instruct' } },
  user: { template: { id: 'tpl-risks', name: 'Risk register', builtIn: false }, value: riskRegister, evidence, report: { ...base, id: 'rep-risks', title: 'Supply risks', extractive: false, model: 'qwen2.5-7b-instruct' } },
} satisfies Record<string, RenderInput>;
