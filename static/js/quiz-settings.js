// The quiz settings page's question picker (templates/courses/quiz_settings.mustache). The
// form works without this script: the ticked boxes ("question_ids") are the quiz's questions
// in the listed order, and every row sends its points. This script adds what needs a script:
// searching and filtering the rows by category, and ordering them by drag or arrow buttons
// (the order of the rows is the order of the questions).
const picker = document.getElementById('quiz-picker');

function showControls() {
  document.getElementById('quiz-picker-filters').hidden = false;
  for (const button of picker.querySelectorAll('.picker-up, .picker-down')) button.hidden = false;
}

function filterRows() {
  const words = document.getElementById('picker-search').value.trim().toLowerCase();
  const category = document.getElementById('picker-category').value;
  for (const row of picker.tBodies[0].rows) {
    const text = row.textContent.toLowerCase();
    row.hidden = (words !== '' && !text.includes(words)) || (category !== '' && row.dataset.category !== category);
  }
}

function moveRow(row, up) {
  const other = up ? row.previousElementSibling : row.nextElementSibling;
  if (!other) return;
  if (up) other.before(row);
  else other.after(row);
}

function enableDrag(body) {
  let dragged = null;
  body.addEventListener('dragstart', (event) => {
    dragged = event.target.closest('tr');
    event.dataTransfer.effectAllowed = 'move';
  });
  body.addEventListener('dragover', (event) => {
    const over = event.target.closest('tr');
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(dragged);
    else over.after(dragged);
  });
  body.addEventListener('dragend', () => { dragged = null; });
}

if (picker) {
  showControls();
  document.getElementById('picker-search').addEventListener('input', filterRows);
  document.getElementById('picker-category').addEventListener('change', filterRows);
  picker.addEventListener('click', (event) => {
    const button = event.target.closest('.picker-up, .picker-down');
    if (!button) return;
    const row = button.closest('tr');
    moveRow(row, button.classList.contains('picker-up'));
    button.focus();
  });
  enableDrag(picker.tBodies[0]);
}
