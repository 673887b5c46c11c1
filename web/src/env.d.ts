/** Vite imports a stylesheet for its side effect (injected into the page). */
declare module '*.css';
