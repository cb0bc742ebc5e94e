import { render } from 'preact';
import { ConsoleApp } from './console-app.js';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<ConsoleApp />, root);
}
