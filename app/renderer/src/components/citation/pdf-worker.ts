/**
 * PDF.js's worker, bundled by Vite as a worker of its own (served as .js from the app, as the CSP wants).
 * Importing it is enough: in a worker scope it starts listening to its port.
 */
import 'pdfjs-dist/build/pdf.worker.min.mjs';
