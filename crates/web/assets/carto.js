// Pan and zoom on the cartography pictures. Progressive enhancement only: without this file
// the pictures are whole, their nodes are links, and the same data is in the tables.
for (const frame of document.querySelectorAll('.carto-frame[data-zoom-in]')) {
  const svg = frame.querySelector('svg');
  const port = svg && svg.querySelector('g.viewport');
  if (!port) continue;
  let k = 1, x = 0, y = 0;
  const apply = () => port.setAttribute('transform', `translate(${x} ${y}) scale(${k})`);
  const zoom = (factor, cx, cy) => {
    const next = Math.min(12, Math.max(0.5, k * factor));
    x = cx - (cx - x) * (next / k);
    y = cy - (cy - y) * (next / k);
    k = next;
    apply();
  };
  const centre = () => {
    const vb = svg.viewBox.baseVal;
    return [vb.width / 2, vb.height / 2];
  };
  const toSvg = (event) => {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return [p.x, p.y];
  };
  const bar = document.createElement('div');
  bar.className = 'carto-zoom';
  for (const [label, act] of [
    [frame.dataset.zoomIn, () => zoom(1.4, ...centre())],
    [frame.dataset.zoomOut, () => zoom(1 / 1.4, ...centre())],
    [frame.dataset.zoomReset, () => { k = 1; x = 0; y = 0; apply(); }],
  ]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', act);
    bar.append(b);
  }
  frame.prepend(bar);
  svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, ...toSvg(event));
  }, { passive: false });
  let drag = null;
  svg.addEventListener('pointerdown', (event) => {
    if (event.target.closest('a')) return;
    drag = { start: toSvg(event), x, y };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const [px, py] = toSvg(event);
    x = drag.x + px - drag.start[0];
    y = drag.y + py - drag.start[1];
    apply();
  });
  svg.addEventListener('pointerup', () => { drag = null; });
}
