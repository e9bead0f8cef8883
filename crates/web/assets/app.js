// Progressive enhancement only: every page works without this file.
// Asks for confirmation before a form marked data-confirm is sent (e.g. deletion).
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Commune boxes: suggestions from the embedded official geographic code as one types.
// Without JavaScript the box still accepts a name or a code, resolved on the server.
for (const input of document.querySelectorAll('input[data-commune-search]')) {
  const list = document.getElementById(input.getAttribute('list'));
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || !list) return;
    timer = setTimeout(async () => {
      const response = await fetch('/api/v1/communes?q=' + encodeURIComponent(q));
      if (!response.ok) return;
      const communes = await response.json();
      list.replaceChildren(...communes.map((c) => {
        const option = document.createElement('option');
        option.value = c.name + ' (' + c.code + ')';
        option.label = c.postcodes.join(', ') + ' — ' + c.departement;
        return option;
      }));
    }, 150);
  });
}
