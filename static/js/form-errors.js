// A failed form shown again (src/web/form.c): the page carries what was posted in
// #form-echo (the form's address, the values as typed, the error by field). This puts the
// values back into the form with that address and shows the error at its field the Bootstrap
// way (is-invalid, an invalid-feedback text the field is described by), so every form keeps
// the person's work without markup of its own. Passwords are never in the echo.
const echo = document.getElementById('form-echo');

function postedForm(action) {
  return [...document.forms].find((form) =>
    form.method === 'post' && new URL(form.action, location.href).pathname === action);
}

function fill(form, values) {
  for (const field of form.elements) {
    if (!field.name || field.type === 'hidden' || field.type === 'password' ||
        field.type === 'file' || field.type === 'submit' || field.type === 'button') continue;
    const sent = values[field.name];
    const list = sent === undefined ? [] : [].concat(sent);
    if (field.type === 'checkbox' || field.type === 'radio') {
      field.checked = list.includes(field.value || 'on');
    } else if (field.multiple) {
      for (const option of field.options) option.selected = list.includes(option.value);
    } else if (typeof sent === 'string') {
      // A name sent several times by text fields is the page's own business (a script that
      // joins them): left as the page drew it.
      field.value = sent;
    }
  }
}

function fieldNamed(form, name) {
  const found = form.elements.namedItem(name);
  if (!found) return null;
  return found instanceof RadioNodeList ? found[0] : found;
}

// The parameter checks name the field as the form sends it ("first_name is required"); on the
// page the field's label says it better ("First name is required").
function inPageWords(message, name, field) {
  const label = field.labels && field.labels[0];
  if (!label || !message.startsWith(`${name} `)) return message;
  const words = label.cloneNode(true);
  for (const hidden of words.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
  const text = words.textContent.trim();
  return text ? `${text}${message.slice(name.length)}` : message;
}

function markInvalid(form, name, message) {
  const field = fieldNamed(form, name);
  if (!field) return null;
  if (!field.id) field.id = `${name}-field`;
  // A form folded away (an edit form in a list row) is opened to show its error.
  for (let d = field.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  // The template marked it already.
  if (field.classList.contains('is-invalid')) return field;
  field.classList.add('is-invalid');
  field.setAttribute('aria-invalid', 'true');
  const feedback = document.createElement('div');
  feedback.className = 'invalid-feedback';
  feedback.id = `${field.id}-error`;
  feedback.textContent = inPageWords(message, name, field);
  // Bootstrap shows the text when it follows the invalid field (or its checkbox wrapper).
  const after = field.closest('.form-check, .input-group') || field;
  if (after !== field) after.classList.add('is-invalid', 'has-validation');
  after.after(feedback);
  const described = field.getAttribute('aria-describedby');
  field.setAttribute('aria-describedby', described ? `${feedback.id} ${described}` : feedback.id);
  return field;
}

if (echo) {
  const { values, errors } = JSON.parse(echo.dataset.echo);
  const form = postedForm(echo.dataset.action);
  if (form) {
    fill(form, values);
    for (const [name, message] of Object.entries(errors)) {
      const field = markInvalid(form, name, message);
      // The summary names the model's field; the form may call it otherwise (src/web/form.c).
      const link = document.querySelector('#error-summary a[data-field]');
      if (field && link) {
        link.href = `#${field.id}`;
        link.textContent = inPageWords(message, name, field);
      }
    }
  }
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
}
