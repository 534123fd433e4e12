/**
 * The only script of our own, served as /static/app.js: the copy button. The clipboard API needs
 * a secure context (https or localhost); elsewhere the ID is selected for the user to copy.
 */
export const clientScript = `
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const label = button.textContent;
  const done = (message) => {
    button.textContent = message;
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(button.dataset.copy || '').then(
      () => done('Copied'),
      () => done('Copy failed'),
    );
    return;
  }
  const target = document.getElementById(button.getAttribute('aria-controls') || '');
  if (target) window.getSelection()?.selectAllChildren(target);
  done('Press Ctrl+C');
});
`;
