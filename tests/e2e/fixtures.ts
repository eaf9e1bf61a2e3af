/** Documents for the browser story, built in code: a field guide whose Kettles section answers the question, and a decoy. */

export const kettleQuestion = 'How often must the copper kettle be descaled?';

export const kettleSection = [
  '## Kettles',
  '',
  'The copper kettle in the north workshop must be descaled every 41 days, with a cup of white vinegar',
  'boiled in two litres of water. Skipping a descaling leaves a crust that makes the kettle whistle early.',
  '',
  'Record each descaling on the card pinned beside the kettle, with the date and your initials.',
].join('\n');

export const fieldGuide = {
  name: 'field-guide.md',
  text: [
    '# Workshop field guide',
    '',
    'How the shared workshop is kept in order, room by room.',
    '',
    kettleSection,
    '',
    '## Lanterns',
    '',
    'Storm lanterns hang on the east wall. Trim the wicks on Mondays and refill the paraffin from the',
    'green can only; the red can holds lamp oil for the greenhouse heaters.',
    '',
    '## Benches',
    '',
    'Sweep the oak benches at the end of each day and oil them in spring. Clamps go back to the rack.',
    '',
  ].join('\n'),
};

export const gardenNotes = {
  name: 'garden-notes.md',
  text: [
    '# Garden notes',
    '',
    '## Greenhouse',
    '',
    'Tomatoes go in after the last frost. Water the seedlings from below and open the vents on warm days.',
    '',
  ].join('\n'),
};

/** A PNG's first bytes and NULs: what a picture renamed to .md looks like to the ingest. */
export const pictureRenamedToMarkdown = {
  name: 'diagram.md',
  bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 8, 6, 0, 0, 0],
};

/** A two-page PDF whose second page answers the lighthouse question. */
export const lighthouseSentence =
  'The lighthouse keeper on Gannet Rock winds the clockwork lamp every nine hours and logs the tide in a blue ledger.';
export const lighthouseQuestion = 'How often does the lighthouse keeper on Gannet Rock wind the clockwork lamp?';

export const harbourHandbook = {
  name: 'harbour-handbook.pdf',
  spec: {
    title: 'Harbour handbook',
    pageNumbers: true,
    pages: [
      [
        { heading: 'Harbour handbook' },
        { paragraph: 'Moorings in the inner basin are let by the season. Boats longer than nine metres use the outer pontoon.' },
        { paragraph: 'The harbour office opens at seven and closes at dusk; the fuel berth keeps the same hours.' },
      ],
      [
        { heading: 'Lighthouse' },
        { paragraph: lighthouseSentence },
        { paragraph: 'Visitors may climb the tower on Saturdays when the sea is calm.' },
      ],
    ],
  },
};

/** A survey report of about 900 KB: as base64 (1.2 MB) it would pass the team server's 1 MiB frame limit. */
export function surveyReport(): string {
  const paragraph = (i: number) =>
    `## Berth ${i + 1}\n\nThe survey of berth ${i + 1} found the quay wall sound, the fenders worn on the seaward side and the ` +
    `bollards rated for ${20 + (i % 30)} tonnes. Dredging to ${(4 + (i % 6) * 0.5).toFixed(1)} metres is due before the autumn gales.`;
  const paragraphs: string[] = [];
  let length = 0;
  for (let i = 0; length < 900_000; i++) {
    const text = paragraph(i);
    paragraphs.push(text);
    length += text.length + 2;
  }
  return `# Harbour survey\n\n${paragraphs.join('\n\n')}\n`;
}
