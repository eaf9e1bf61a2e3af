/**
 * The text formats, read back as their readers would: Markdown with its footnotes and tables, JSON with its
 * schema id and evidence, the milestone calendar parsed by ical.js (one all-day event per milestone, UIDs
 * stable across renders), a user's template laid out generically — and the renders Hearth refuses.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { formatsOf, renderReport } from '../../../app/core/export/index.js';
import { inputs } from './sample-reports.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('formats', () => {
  it('a calendar only for a milestone plan', () => {
    expect(formatsOf({ id: 'milestone-plan', builtIn: true })).toEqual(['markdown', 'docx', 'pptx', 'json', 'ics']);
    expect(formatsOf({ id: 'report', builtIn: true })).toEqual(['markdown', 'docx', 'pptx', 'json']);
    // A user's template named like Hearth's is still a user's template.
    expect(formatsOf({ id: 'milestone-plan', builtIn: false })).not.toContain('ics');
  });
});

describe('Markdown', () => {
  it('a report: title, request, sections of claims with [^n] footnotes that say document, page and heading', async () => {
    const file = await renderReport(inputs.report, 'markdown');
    expect(file.fileName).toBe('Pump-supply-payment-and-delivery.md');
    expect(file.mediaType).toBe('text/markdown; charset=utf-8');
    const md = text(file.bytes);
    expect(md.startsWith('# Pump supply: payment and delivery\n')).toBe(true);
    expect(md).toContain('*Report · 2026-02-01 · drafted by qwen2.5-7b-instruct*');
    expect(md).toContain('**Request:** Build it from the contract, the notes and the budget.');
    expect(md).toContain('## Payment terms\n');
    expect(md).toContain('The remainder is due within 45 days of each delivered batch, budgeted at 1,250 EUR a pump.[^1][^4]');
    expect(md).toContain('Поставщик предупреждает о задержке за 10 дней.[^5]');
    // Each cited passage once in the Sources list and once as a footnote; passage 3 is cited by nothing here.
    expect(md).toContain('- [2] Supply contract.pdf, pp. 6–7 — Delivery');
    expect(md).toContain('[^4]: Budget.xlsx, 2026!A1:D12 — “Pumps: 400 units at 1,250 EUR; freight 18,000 EUR; inspection 6,500 EUR.”');
    expect(md).toContain('[^6]: Steering deck.pptx, slide 3 — Risks');
    expect(md).toContain('[^5]: Договор поставки.pdf, p. 2 — Сроки поставки');
    expect(md).not.toContain('[^3]');
    expect(md).not.toContain('Extractive');
  });

  it('an extractive summary says so at the top', async () => {
    const md = text((await renderReport(inputs.summary, 'markdown')).bytes);
    expect(md).toMatch(/^# Pump supply in brief\n\n\*Summary · 2026-02-01\*\n\n> \*\*Extractive\.\*\* Built without a language model/);
    expect(md).not.toContain('drafted by');
    expect(md).toContain('- A 30% advance is paid on signature.[^1]');
  });

  it('an agenda and a plan as tables, the citations in the topic or title cell', async () => {
    const agenda = text((await renderReport(inputs.agenda, 'markdown')).bytes);
    expect(agenda).toContain('- **Participants:** Anna Petrova (Delivery lead), Boris Ivanov (Quality), Chen Wei');
    expect(agenda).toContain('| # | Time | Topic | Owner | Minutes | Decision |');
    expect(agenda).toContain('| 2 | 0:15–0:35 | Inspection checklist on arrival[^3] | Boris Ivanov | 20 | — |');
    const plan = text((await renderReport(inputs.plan, 'markdown')).bytes);
    // Grouped by the month things are due, in order.
    expect(plan.indexOf('## Due in February 2026')).toBeLessThan(plan.indexOf('## Due in March 2026'));
    expect(plan).toContain('| M3 | First batch at the Kazan warehouse[^2] | Anna Petrova | 2026-03-15 | M1, M2 |');
  });

  it('names the file after the title, in any script', async () => {
    const russian = { ...inputs.summary, report: { ...inputs.summary.report, title: 'Поставка насосов: итоги / 2026' } };
    expect((await renderReport(russian, 'markdown')).fileName).toBe('Поставка-насосов-итоги-2026.md');
    const symbols = { ...inputs.summary, report: { ...inputs.summary.report, title: '***' } };
    expect((await renderReport(symbols, 'docx')).fileName).toBe('report.docx');
  });

  it('escapes what would turn into markup', async () => {
    const tricky = { ...inputs.summary, value: { title: 'Costs | *draft*', keyPoints: [{ text: '1. [see] <b>this</b> cost_a | cost_b', citations: [1] }] } };
    const md = text((await renderReport(tricky, 'markdown')).bytes);
    expect(md).toContain('# Costs | \\*draft\\*');
    expect(md).toContain('- 1\\. \\[see\\] \\<b\\>this\\</b\\> cost\\_a | cost\\_b[^1]');
  });
});

describe('JSON', () => {
  it('the validated object with its schema id, the template, the report and where each passage is', async () => {
    const file = await renderReport(inputs.plan, 'json');
    expect(file.mediaType).toBe('application/json');
    const json = JSON.parse(text(file.bytes));
    expect(json.schemaId).toBe('hearth:reports/milestone-plan@1');
    expect(json.template).toEqual({ id: 'milestone-plan', name: 'Milestone plan', builtIn: true });
    expect(json.report).toMatchObject({ id: 'rep-plan', extractive: false, model: 'qwen2.5-7b-instruct' });
    expect(json.value).toEqual(inputs.plan.value);
    expect(json.evidence).toHaveLength(6);
    expect(json.evidence[1]).toMatchObject({ number: 2, documentName: 'Supply contract.pdf', page: 6, pageEnd: 7, headingPath: ['Delivery'] });
    expect(json.evidence[1]).not.toHaveProperty('text');
    const user = JSON.parse(text((await renderReport(inputs.user, 'json')).bytes));
    expect(user.schemaId).toBe('hearth:user-templates/tpl-risks');
  });
});

describe('ICS', () => {
  it('one all-day event per milestone on its due date, read back by ical.js', async () => {
    const file = await renderReport(inputs.plan, 'ics');
    expect(file.fileName).toBe('Pump-supply-milestones.ics');
    expect(file.mediaType).toBe('text/calendar; charset=utf-8');
    const calendar = new ICAL.Component(ICAL.parse(text(file.bytes)));
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Hearth//Reports//EN');
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
    expect(events.map((event) => event.summary)).toEqual([
      'M1: Contract signed, advance paid',
      'M2: Customs documents filed',
      'M3: First batch at the Kazan warehouse',
      'M4: First batch inspected',
      'M5: Second batch delivered',
    ]);
    const m3 = events[2]!;
    expect(m3.uid).toBe('rep-plan.M3@hearth');
    expect(m3.startDate.isDate).toBe(true);
    expect(m3.startDate.toString()).toBe('2026-03-15');
    expect(m3.endDate.toString()).toBe('2026-03-16');
    expect(m3.description).toContain('Owner: Anna Petrova');
    expect(m3.description).toContain('Depends on: M1, M2');
    expect(m3.description).toContain('[2] Supply contract.pdf, pp. 6–7 — Delivery');
    // The last day of a month ends on the first of the next.
    const endOfMonth = { ...inputs.plan, value: { ...inputs.plan.value, milestones: [{ ...inputs.plan.value.milestones[0]!, due: '2026-02-28' }] } };
    const only = new ICAL.Event(new ICAL.Component(ICAL.parse(text((await renderReport(endOfMonth, 'ics')).bytes))).getFirstSubcomponent('vevent')!);
    expect(only.endDate.toString()).toBe('2026-03-01');
  });

  it('renders the same plan to the same calendar, so a re-import updates its events', async () => {
    const first = await renderReport(inputs.plan, 'ics');
    const second = await renderReport(inputs.plan, 'ics');
    expect(text(second.bytes)).toBe(text(first.bytes));
  });
});

describe("a user's template", () => {
  it('keys become headings, flat objects a table with its citations, lists bullets, short values an overview', async () => {
    const md = text((await renderReport(inputs.user, 'markdown')).bytes);
    expect(md.startsWith('# Supply risk register\n\n*Risk register · 2026-02-01')).toBe(true);
    expect(md).toContain('## Overview\n\n- **Status:** Draft\n- **Reviewed on:** 2026-02-01');
    expect(md).toContain('## Context\n\nRisks to the pump supply found in the contract, the budget and the steering deck, with who watches each.');
    expect(md).toContain('| Risk | Likelihood | Impact | Owner |');
    expect(md).toContain('| Customs delay[^6] | medium | two weeks late | Chen Wei |');
    expect(md).toContain('## Next steps\n\n- Book a customs broker\n- Agree the inspection checklist');
    expect(md).toContain('[^6]: Steering deck.pptx, slide 3 — Risks');
  });

  it('nested objects go down a heading level; a value that cites nothing lists every passage it was drafted from', async () => {
    const nested = { ...inputs.user, value: { overview: { owner: 'Anna', budget: { total: 518000, currency: 'EUR' } }, notes: 'A longer note that runs past eighty characters, so it is read as a paragraph of its own.' } };
    const md = text((await renderReport(nested, 'markdown')).bytes);
    expect(md).toContain('# Supply risks\n');
    expect(md).toContain('## Overview\n\n- **Owner:** Anna\n\n### Budget\n\n- **Total:** 518000\n- **Currency:** EUR');
    expect(md).toContain('## Notes\n\nA longer note that runs past eighty characters, so it is read as a paragraph of its own.');
    expect(md.match(/^\[\^\d\]: /gm)).toHaveLength(6);
  });
});

describe('refused renders', () => {
  it('a calendar of a report, a value that does not match its template, a cancelled render', async () => {
    await expect(renderReport(inputs.report, 'ics')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('does not render to ics') });
    const broken = { ...inputs.plan, value: { title: 'Plan', milestones: [{ id: 'M1', title: 'x', owner: 'A', due: '2026-02-30', dependsOn: [] }] } };
    await expect(renderReport(broken, 'docx')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('/milestones/0/due') });
    const controller = new AbortController();
    controller.abort();
    await expect(renderReport(inputs.report, 'pptx', { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('characters XML forbids', () => {
  it('are left out of a deck and a document, which Office would otherwise call broken', async () => {
    const { unzipSync } = await import('fflate');
    const value = structuredClone(inputs.report.value) as { summary: string };
    value.summary = 'Advance\u0001 paid\u000c on signature.';
    for (const format of ['pptx', 'docx'] as const) {
      const file = await renderReport({ ...inputs.report, value }, format);
      const parts = unzipSync(file.bytes);
      const xml = Object.entries(parts)
        .filter(([name]) => name.endsWith('.xml'))
        .map(([, bytes]) => text(bytes))
        .join('\n');
      expect(xml, format).toContain('Advance paid on signature.');
      expect(xml, format).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    }
  });
});
