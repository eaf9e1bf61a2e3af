/**
 * Citation verification: how often the Guard's verdict on a cited claim matches its known support, on claims
 * written here against passages written here (English and Russian contracts and policies): supported
 * paraphrases, partly supported claims, unsupported ones, and contradicting ones (another number, the
 * opposite). Methods: word overlap (no model) and the tiny ONNX cross-encoder of the test fixtures — random
 * weights, so its figure says the path works, not how a real cross-encoder judges. For the cross-encoder it
 * also sweeps the sigmoid thresholds on this set, the calibration verify-claims.ts's defaults are checked by.
 *
 *   npm run build:node && npm run bench:verify
 */
import path from 'node:path';
import { verifyClaims, crossEncoderThresholds, overlapScore, overlapThresholds, sigmoid } from '../app/core/agents/guard/index.js';
import { LocalReranker } from '../app/core/models/local-transformers.js';
import type { Reranker } from '../app/core/models/types.js';
import type { ClaimVerdict } from '../schemas/index.js';
import { writeTinyCrossEncoder } from '../tests/fixtures/models/onnx/index.js';
import { makeTempDir } from '../tests/fixtures/temp-dir.js';

type Support = 'supported' | 'partial' | 'unsupported' | 'contradicting';
type Verdict = ClaimVerdict['verdict'];

const passages: Record<number, string> = {
  1: 'The Buyer shall pay each invoice within 30 days of delivery. Late payments carry interest of 2% per month.',
  2: 'This agreement runs for two years from the date of signing and renews automatically unless either party gives 90 days notice.',
  3: 'The Supplier delivers the equipment to the Buyer’s warehouse in Rotterdam no later than 15 March 2027.',
  4: 'Employees may book hotels up to 150 euros a night in Europe; rooms above the cap need the finance team’s approval.',
  5: 'Поставщик обязан доставить оборудование на склад покупателя не позднее 15 марта 2027 года.',
  6: 'Арендатор вносит арендную плату ежемесячно до 5 числа; за просрочку начисляется пеня 0,1% в день.',
  7: 'The warranty covers manufacturing defects for 24 months and excludes damage caused by misuse.',
  8: 'Договор может быть расторгнут любой стороной с уведомлением за 30 дней.',
};

const claims: { claim: string; cites: number; support: Support }[] = [
  // Supported: the passage says it, in other words.
  { claim: 'Invoices must be paid within 30 days of delivery', cites: 1, support: 'supported' },
  { claim: 'Late payment costs 2% interest per month', cites: 1, support: 'supported' },
  { claim: 'The agreement renews automatically after two years unless notice is given', cites: 2, support: 'supported' },
  { claim: 'Equipment is delivered to the warehouse in Rotterdam by 15 March 2027', cites: 3, support: 'supported' },
  { claim: 'Hotels in Europe are capped at 150 euros a night', cites: 4, support: 'supported' },
  { claim: 'Оборудование доставляется на склад покупателя до 15 марта 2027 года', cites: 5, support: 'supported' },
  { claim: 'Арендная плата вносится ежемесячно до 5 числа', cites: 6, support: 'supported' },
  { claim: 'Manufacturing defects are covered by the warranty for 24 months', cites: 7, support: 'supported' },
  { claim: 'Любая сторона может расторгнуть договор, уведомив за 30 дней', cites: 8, support: 'supported' },
  { claim: 'Rooms above the hotel cap need approval from the finance team', cites: 4, support: 'supported' },
  // Partial: one part is in the passage, another is not.
  { claim: 'Invoices are paid within 30 days, and disputes go to arbitration in London', cites: 1, support: 'partial' },
  { claim: 'The agreement runs for two years and the price is fixed for the whole term', cites: 2, support: 'partial' },
  { claim: 'The warranty covers defects for 24 months, including free on-site repairs', cites: 7, support: 'partial' },
  { claim: 'Hotels are capped at 150 euros a night, and flights must be economy class', cites: 4, support: 'partial' },
  { claim: 'Арендная плата вносится ежемесячно, а коммунальные услуги оплачивает арендодатель', cites: 6, support: 'partial' },
  { claim: 'Поставщик доставляет оборудование на склад и проводит обучение персонала', cites: 5, support: 'partial' },
  // Unsupported: the passage does not say it.
  { claim: 'The seller provides free training to every employee', cites: 1, support: 'unsupported' },
  { claim: 'The Buyer may audit the Supplier once a year', cites: 3, support: 'unsupported' },
  { claim: 'Taxis to the airport are reimbursed in full', cites: 4, support: 'unsupported' },
  { claim: 'Покупатель оплачивает обучение персонала', cites: 5, support: 'unsupported' },
  { claim: 'Арендатор обязан застраховать помещение', cites: 6, support: 'unsupported' },
  { claim: 'The software licence is perpetual and transferable', cites: 7, support: 'unsupported' },
  // Contradicting: another number, date or the opposite.
  { claim: 'Invoices must be paid within 90 days of delivery', cites: 1, support: 'contradicting' },
  { claim: 'The agreement does not renew automatically', cites: 2, support: 'contradicting' },
  { claim: 'Equipment is delivered to the warehouse by 15 May 2028', cites: 3, support: 'contradicting' },
  { claim: 'Hotels in Europe are capped at 200 euros a night', cites: 4, support: 'contradicting' },
  { claim: 'Пеня за просрочку составляет 1% в день', cites: 6, support: 'contradicting' },
  { claim: 'The warranty covers manufacturing defects for 12 months', cites: 7, support: 'contradicting' },
  { claim: 'Договор не может быть расторгнут досрочно', cites: 8, support: 'contradicting' },
];

const expected = (support: Support): Verdict => (support === 'contradicting' ? 'unsupported' : support);
const judged = Object.entries(passages).map(([number, text]) => ({ number: Number(number), text }));
const answer = claims.map((item) => `${item.claim} [${item.cites}].`).join('\n');

function report(method: string, verdicts: Verdict[]): void {
  const right = (i: number) => verdicts[i] === expected(claims[i]!.support);
  const binary = (i: number) => (verdicts[i] === 'supported') === (claims[i]!.support === 'supported');
  const share = (test: (i: number) => boolean, of: number[]) => `${of.filter(test).length}/${of.length}`;
  const all = claims.map((_, i) => i);
  const by = (support: Support) => all.filter((i) => claims[i]!.support === support);
  console.log(
    `${method.padEnd(34)} 3-way ${share(right, all).padStart(5)} (${pct(all.filter(right).length / all.length)})  supported-or-not ${share(binary, all).padStart(5)} (${pct(all.filter(binary).length / all.length)})` +
      `  | supported ${share(right, by('supported'))}, partial ${share(right, by('partial'))}, unsupported ${share(right, by('unsupported'))}, contradicting ${share(right, by('contradicting'))}`,
  );
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function grade(score: number, thresholds: { supported: number; partial: number }): Verdict {
  return score >= thresholds.supported ? 'supported' : score >= thresholds.partial ? 'partial' : 'unsupported';
}

/** The thresholds that get the most claims right on this set (a coarse grid): what a calibration would pick. */
function calibrated(scores: number[]): { supported: number; partial: number; right: number } {
  let best = { supported: 1, partial: 1, right: -1 };
  for (let s = 0; s <= 100; s += 2) {
    for (let p = 0; p <= s; p += 2) {
      const thresholds = { supported: s / 100, partial: p / 100 };
      const right = scores.filter((score, i) => grade(score, thresholds) === expected(claims[i]!.support)).length;
      if (right > best.right) best = { ...thresholds, right };
    }
  }
  return best;
}

async function main(): Promise<void> {
  console.log(`${claims.length} claims (${(['supported', 'partial', 'unsupported', 'contradicting'] as const).map((s) => `${claims.filter((c) => c.support === s).length} ${s}`).join(', ')}), ${judged.length} passages, English and Russian\n`);

  const overlap = await verifyClaims(answer, judged);
  report(`overlap (thresholds ${overlapThresholds.supported}/${overlapThresholds.partial})`, overlap.map((v) => v.verdict));
  const overlapScores = claims.map((item) => overlapScore(item.claim, [passages[item.cites]!]));
  const overlapBest = calibrated(overlapScores);
  report(`overlap, best on this set (${overlapBest.supported}/${overlapBest.partial})`, overlapScores.map((s) => grade(s, overlapBest)));

  const temp = await makeTempDir('hearth-bench-verify-');
  let reranker: Reranker | undefined;
  try {
    const dir = await writeTinyCrossEncoder(path.join(temp.dir, 'cross-encoder'));
    reranker = await LocalReranker.create({ kind: 'local', path: dir, absolutePath: dir, format: 'onnx' });
    const crossEncoder = await verifyClaims(answer, judged, { reranker });
    report(`tiny cross-encoder (${crossEncoderThresholds.supported}/${crossEncoderThresholds.partial})`, crossEncoder.map((v) => v.verdict));
    const raw = await Promise.all(claims.map(async (item) => sigmoid((await reranker!.rerank(item.claim, [passages[item.cites]!]))[0]!)));
    const best = calibrated(raw);
    report(`tiny cross-encoder, best (${best.supported}/${best.partial})`, raw.map((s) => grade(s, best)));
    const spread = (support: Support) => {
      const of = raw.filter((_, i) => claims[i]!.support === support);
      return `${support} ${Math.min(...of).toFixed(3)}–${Math.max(...of).toFixed(3)}`;
    };
    console.log(`\ntiny cross-encoder sigmoid scores by known support: ${(['supported', 'partial', 'unsupported', 'contradicting'] as const).map(spread).join(', ')}`);
    console.log('(random weights: a real cross-encoder is needed for a figure that means something; the thresholds stay the MS MARCO-style defaults)');
  } finally {
    await reranker?.dispose();
    await temp.cleanup();
  }
}

await main();
