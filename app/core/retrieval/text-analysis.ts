/**
 * Text analysis for keyword search: the one place that decides what a "term" is, used for documents and
 * queries alike. Lowercases, folds Unicode (ё→е, é→e, ß→ss; й is kept, it is a letter of its own), drops
 * stopwords, and stems each token with the Snowball stemmer of its script (Russian for Cyrillic, English for
 * Latin), so a Russian and English document or query needs no language setting.
 */
/// <reference path="./snowball-stemmers.d.ts" />
import snowball from 'snowball-stemmers';
import { englishStopwords, russianStopwords } from './stopwords.js';

export interface TextAnalyzer {
  /** Names the analysis; a saved index made by another analyzer is rebuilt. */
  readonly id: string;
  /** The terms of a text in order (repeats kept: BM25 counts them). */
  terms(text: string): string[];
}

export interface TextAnalyzerOptions {
  /** Reduce words to their stems (документами → документ, studies → studi). Default true. */
  stem?: boolean;
  /** Drop English and Russian stopwords. Default true. */
  stopwords?: boolean;
}

/** Tokens longer than this are ids, hashes or base64, not words. */
const maxTokenLength = 40;
const tokenPattern = /[\p{L}\p{M}\p{N}]+/gu;
const cyrillic = /[\u0400-\u04ff]/;
const latinLetter = /[a-z]/;
const nonAscii = /[^\u0000-\u007f]/;
// English possessives ("patient's" → "patient"), as Lucene's EnglishPossessiveFilter does.
const possessive = /(\p{L})['’]s\b/gu;

export function createTextAnalyzer(options: TextAnalyzerOptions = {}): TextAnalyzer {
  const stem = options.stem ?? true;
  const stopwords = options.stopwords ?? true;
  const stemmer = stem ? new CachedStemmers() : undefined;
  return {
    id: `terms-v1${stem ? '+stem' : ''}${stopwords ? '+stop' : ''}`,
    terms(text: string): string[] {
      const terms: string[] = [];
      const normalized = text.normalize('NFKC').toLowerCase().replace(possessive, '$1');
      for (const match of normalized.matchAll(tokenPattern)) {
        const token = foldToken(match[0]);
        if (token.length > maxTokenLength) continue;
        const isCyrillic = cyrillic.test(token);
        if (stopwords && (isCyrillic ? russianStopwords : englishStopwords).has(token)) continue;
        terms.push(stemmer ? stemmer.stem(token, isCyrillic) : token);
      }
      return terms;
    },
  };
}

/** Folds one lowercase token: ё→е, Latin letters lose their diacritics, ß→ss. */
export function foldToken(token: string): string {
  let folded = token.includes('ё') ? token.replaceAll('ё', 'е') : token;
  if (nonAscii.test(folded) && !cyrillic.test(folded)) {
    folded = folded.normalize('NFD').replace(/(\p{Script=Latin})\p{M}+/gu, '$1').normalize('NFC').replaceAll('ß', 'ss');
  }
  return folded;
}

/** The Russian and English Snowball stemmers behind a bounded cache: stemming is most of analysis time. */
class CachedStemmers {
  private static readonly maxEntries = 200_000;
  private readonly russian = snowball.newStemmer('russian');
  private readonly english = snowball.newStemmer('english');
  private readonly cache = new Map<string, string>();

  stem(token: string, isCyrillic: boolean): string {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    // Tokens of other scripts, and numbers, stay as they are.
    const stemmed = isCyrillic ? this.russian.stem(token) : latinLetter.test(token) ? this.english.stem(token) : token;
    if (this.cache.size >= CachedStemmers.maxEntries) this.cache.clear();
    this.cache.set(token, stemmed);
    return stemmed;
  }
}

/** The analyzer keyword search uses unless told otherwise. */
export const defaultTextAnalyzer: TextAnalyzer = createTextAnalyzer();
