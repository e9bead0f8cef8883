// Progressive enhancement only: every page works without this file.
// Asks for confirmation before a form marked data-confirm is sent (e.g. deletion).
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
