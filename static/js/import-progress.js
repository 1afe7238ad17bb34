// The progress of a bulk upload's commit (templates/admin/import_preview.mustache): polls the
// page's JSON twin every second, moves the bar and its label, and reloads the page once the
// commit has finished or failed. Without JavaScript the page refreshes itself instead.
const section = document.getElementById('import-progress');

if (section) {
  const bar = section.querySelector('[role="progressbar"]');
  const fill = section.querySelector('.progress-bar');
  const phase = section.querySelector('.lectern-progress-phase');
  const label = document.getElementById('import-progress-label');
  // The page refreshes itself only when scripts are off; this script polls instead.
  const url = window.location.pathname;

  const show = (p) => {
    const total = Number(p.total) || 0;
    const done = Math.min(Number(p.done) || 0, total);
    const percent = p.phase === 'done' ? 100 : (total > 0 ? Math.floor((done * 100) / total) : 0);
    bar.setAttribute('aria-valuenow', String(percent));
    fill.className = 'progress-bar progress-bar-striped progress-bar-animated';
    fill.style.width = `${percent}%`;
    fill.textContent = `${percent} %`;
    const name = section.dataset[`phase${p.phase.charAt(0).toUpperCase()}${p.phase.slice(1)}`] || p.phase;
    let count = label.querySelector('.lectern-progress-count');
    if (total > 0) {
      if (!count) {
        label.append(': ');
        count = document.createElement('span');
        count.className = 'lectern-progress-count';
        label.append(count);
      }
      count.textContent = `${done} / ${total}`;
    }
    phase.textContent = name;
  };

  const tick = async () => {
    try {
      const r = await fetch(`${url}?per_page=1`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (r.ok) {
        const imp = (await r.json()).import;
        if (imp.status !== 'committing') {
          window.location.reload();
          return;
        }
        if (imp.progress) show(imp.progress);
      }
    } catch {
      // The server may be restarting: try again on the next tick.
    }
    window.setTimeout(tick, 1000);
  };
  window.setTimeout(tick, 1000);
}
