/** The workstation's one screen: the header, the library, the chat and (when a source is open) the citation panel. */
import { ChatColumn } from './components/chat/ChatColumn.js';
import { CitationPanel } from './components/citation/CitationPanel.js';
import { Header } from './components/header/Header.js';
import { ProblemBanner } from './components/header/ProblemBanner.js';
import { LibraryColumn } from './components/library/LibraryColumn.js';
import { useCitationStore } from './state/citation-store.js';

export function App() {
  const citationOpen = useCitationStore((state) => state.open !== null);
  return (
    <div className="app">
      <Header />
      <ProblemBanner />
      <main className={citationOpen ? 'workspace workspace--with-source' : 'workspace'}>
        <LibraryColumn />
        <ChatColumn />
        {citationOpen && <CitationPanel />}
      </main>
    </div>
  );
}
