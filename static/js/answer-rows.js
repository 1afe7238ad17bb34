// The answer rows of a question's form (templates/courses/question_form.mustache). The page
// has a fixed number of rows and works without this script; the script shows only the rows in
// use (at least two), adds one back with "Add an answer", and clears and hides a row with its
// remove button. A hidden row is empty, so the form sends nothing for it.
const MIN_ROWS = 2;

function isEmpty(row) {
  return [...row.querySelectorAll('input')].every((input) => input.value.trim() === '');
}

function setUp(container) {
  const rows = [...container.querySelectorAll('.answer-row')];
  let shown = Math.max(MIN_ROWS, rows.findLastIndex((row) => !isEmpty(row)) + 1);
  const add = document.createElement('button');
  add.type = 'button';
  add.className = 'btn btn-sm btn-outline-primary';
  add.textContent = container.dataset.addLabel;
  container.after(add);

  function update() {
    rows.forEach((row, i) => { row.hidden = i >= shown; });
    add.hidden = shown >= rows.length;
  }
  add.addEventListener('click', () => {
    shown += 1;
    update();
    rows[shown - 1].querySelector('input').focus();
  });
  for (const row of rows) {
    const remove = row.querySelector('.answer-remove');
    remove.hidden = false;
    remove.addEventListener('click', () => {
      // The rows below move up one, so that the rows in use stay together.
      const i = rows.indexOf(row);
      for (let k = i; k < shown - 1; k++) {
        const from = rows[k + 1].querySelectorAll('input');
        rows[k].querySelectorAll('input').forEach((input, j) => { input.value = from[j].value; });
      }
      rows[shown - 1].querySelectorAll('input').forEach((input) => { input.value = ''; });
      if (shown > 1) shown -= 1;
      update();
      add.focus();
    });
  }
  update();
}

for (const container of document.querySelectorAll('.answer-rows')) setUp(container);
