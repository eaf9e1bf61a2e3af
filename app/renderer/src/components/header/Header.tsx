/** The top bar: the product name, the page tabs, the space picker (and, on a team server, sharing and who is signed in) and how answers are made. */
import { SessionBadge } from '../team/SessionBadge.js';
import { ShareButton } from '../team/ShareButton.js';
import { AnswerModeNotice } from './AnswerModeNotice.js';
import { SpacePicker } from './SpacePicker.js';
import { ViewTabs } from './ViewTabs.js';

export function Header() {
  return (
    <header className="app-header">
      <h1 className="brand">Hearth</h1>
      <ViewTabs />
      <SpacePicker />
      <ShareButton />
      <AnswerModeNotice />
      <SessionBadge />
    </header>
  );
}
