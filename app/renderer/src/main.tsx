/** Entry point of the renderer: renders the app, then signs in where a team server asks for it, connects to the core and loads the first screen. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { openHearth } from './state/session-actions.js';
import './styles.css';

// A file dropped beside the drop zone would otherwise make the browser navigate away to show it.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void openHearth(); // a team server first asks for a sign-in; the desktop app and web mode start at once
