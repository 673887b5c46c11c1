/** The drafting room's entry point (web/index.html loads it). */
import { render } from 'preact';
import { App } from './App';
import './styles.css';

render(<App />, document.getElementById('app')!);
