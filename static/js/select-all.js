// "Select all on this page": the header checkbox ticks or clears every row's checkbox of the
// same form field, and follows them when they are ticked one by one.
for (const all of document.querySelectorAll('input[data-select-all]')) {
  const name = all.dataset.selectAll;
  const boxes = () => [...all.form.querySelectorAll(`input[type=checkbox][name="${name}"]`)];
  all.addEventListener('change', () => { for (const b of boxes()) b.checked = all.checked; });
  all.form.addEventListener('change', (event) => {
    if (event.target === all) return;
    const list = boxes();
    all.checked = list.length > 0 && list.every((b) => b.checked);
  });
}
