import { describe, expect, it } from 'vitest';
import { createTextAnalyzer, defaultTextAnalyzer } from '../../../app/core/retrieval/index.js';

const terms = (text: string) => defaultTextAnalyzer.terms(text);

describe('text analysis for keyword search', () => {
  it('reduces inflected Russian forms to one stem', () => {
    const forms = ['документ', 'документы', 'документов', 'документами', 'документе'];
    expect(new Set(forms.flatMap(terms)).size).toBe(1);
    expect(terms('поиск поиска поиском')).toEqual(Array(3).fill(terms('поиск')[0]));
  });

  it('reduces inflected English forms to one stem', () => {
    expect(new Set(['study', 'studies', 'studied'].flatMap(terms)).size).toBe(1);
    expect(new Set(['contract', 'contracts', "contract's"].flatMap(terms)).size).toBe(1);
  });

  it('picks the stemmer by each token’s script, so mixed text needs no language setting', () => {
    expect(terms('Отчёты reports')).toEqual([...terms('отчет'), ...terms('report')]);
  });

  it('lowercases and folds Unicode: ё is е, Latin accents go, й stays a letter of its own', () => {
    expect(terms('ЁЛКА')).toEqual(terms('елка'));
    expect(terms('Café naïve')).toEqual(terms('cafe naive'));
    expect(createTextAnalyzer({ stem: false }).terms('йогурт')).toEqual(['йогурт']);
  });

  it('drops stopwords of both languages, and keeps them when asked', () => {
    expect(terms('the report of the year и отчёт за год')).toEqual([...terms('report year'), ...terms('отчёт год')]);
    expect(createTextAnalyzer({ stem: false, stopwords: false }).terms('the report и отчёт')).toEqual(['the', 'report', 'и', 'отчет']);
  });

  it('names its configuration, so an index made with another one is rebuilt', () => {
    expect(defaultTextAnalyzer.id).not.toBe(createTextAnalyzer({ stem: false }).id);
  });
});
