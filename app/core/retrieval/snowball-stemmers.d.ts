// Types for snowball-stemmers 0.6 (a CommonJS port of the Snowball stemmers that ships no declarations).
declare module 'snowball-stemmers' {
  interface SnowballStemmer {
    stem(word: string): string;
  }
  const snowball: {
    newStemmer(algorithm: string): SnowballStemmer;
    algorithms(): string[];
  };
  export default snowball;
}
