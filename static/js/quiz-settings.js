// The quiz settings page's question picker (templates/courses/quiz_settings.mustache): the
// settings take the chosen questions as "question_ids" (the ticked boxes, in the listed order)
// and their points as one comma-separated "points" field in the same order, which this script
// fills from each ticked row's points box when the form is sent.
const picker = document.getElementById('quiz-picker');
const joined = document.getElementById('quiz-points-joined');

if (picker && joined) {
  picker.closest('form').addEventListener('submit', () => {
    const points = [];
    for (const box of picker.querySelectorAll('input[name="question_ids"]')) {
      if (!box.checked) continue;
      const input = document.getElementById(`points-${box.value}`);
      points.push(input && input.value.trim() !== '' ? input.value.trim() : '1');
    }
    joined.value = points.join(',');
  });
}
