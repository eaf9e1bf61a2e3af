/** The top bar: the product name, the page tabs, the space picker and how answers are made. */
import { AnswerModeNotice } from './AnswerModeNotice.js';
import { SpacePicker } from './SpacePicker.js';
import { ViewTabs } from './ViewTabs.js';

export function Header() {
  return (
    <header className="app-header">
      <h1 className="brand">Hearth</h1>
      <ViewTabs />
      <SpacePicker />
      <AnswerModeNotice />
    </header>
  );
}
