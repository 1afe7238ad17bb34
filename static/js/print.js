// The training record's Print button: the browser's print dialog, with the print stylesheet
// (lectern.css, @media print) leaving out navigation and forms.
for (const button of document.querySelectorAll('[data-print]')) button.addEventListener('click', () => window.print());
