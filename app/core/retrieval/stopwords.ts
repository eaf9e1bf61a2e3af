/**
 * Stopwords: words too common to help a keyword search, dropped from documents and queries alike.
 * English is Lucene's default set (what BM25's published SciFact figures used). Russian is the Snowball
 * list without its content words (человек, жизнь, сказал, хорошо, два…): a user may well search for those.
 */
export const englishStopwords: ReadonlySet<string> = new Set(
  `a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to
   was will with`.split(/\s+/),
);

export const russianStopwords: ReadonlySet<string> = new Set(
  `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
   еще нет о об из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
   потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
   будет ж тогда кто этот того потому этого какой совсем ним здесь этом почти мой тем чтобы нее кажется сейчас были
   куда зачем всех при наконец хоть после над тот через эти нас про всего них какая разве эту моя впрочем свою этой
   перед иногда чуть том такой им более всегда всю между`.split(/\s+/),
);
