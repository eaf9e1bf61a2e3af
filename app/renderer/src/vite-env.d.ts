/** Vite's types for the imports it rewrites (`new URL(…, import.meta.url)` workers, `?url` assets). */
/// <reference types="vite/client" />
