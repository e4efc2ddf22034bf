// The report form: the progress the value being typed would give its target, said beside
// the value field (the <output id="report-progress"> the page renders with the figure for
// the value it was opened with). The server works the figure out by the rule every published
// figure follows, and answers with the sentence to show (initiatives/admin/reporting.py);
// the <output> is a polite live region, so a screen reader hears the new figure.
// A static file: the site's Content Security Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const output = document.getElementById("report-progress");
  if (!output) {
    return;
  }
  const field = document.getElementById(output.htmlFor.value);
  if (!field) {
    return;
  }
  let timer = null;
  let asked = 0;

  const ask = () => {
    const query = new URLSearchParams({ target: output.dataset.target });
    if (field.type === "checkbox") {
      query.set("reached", field.checked ? "1" : "");
    } else {
      query.set("value", field.value);
    }
    asked += 1;
    const question = asked;
    fetch(`${output.dataset.url}?${query}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => response.json())
      .then((answer) => {
        // Only the answer to the latest question: an earlier one may arrive after it.
        if (question === asked && answer.text) {
          output.textContent = answer.text;
        }
      })
      .catch(() => {});
  };

  const askSoon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  };

  field.addEventListener(field.type === "checkbox" ? "change" : "input", askSoon);
});
