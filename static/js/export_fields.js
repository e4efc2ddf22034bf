// The export page's "Select all" toggle: ticks or unticks every field of the resource the
// toggle belongs to. Wired here rather than in an inline attribute, which the site's
// Content Security Policy refuses.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      const resource = toggle.closest("[resource-index]");
      const scope = resource ? resource.getAttribute("resource-index") : null;
      const rows = scope === null
        ? document.querySelectorAll(".selectable-field-export-row")
        : document.querySelectorAll(`.selectable-field-export-row[resource-index="${scope}"]`);
      rows.forEach((row) => {
        row.querySelectorAll('input[type="checkbox"]:not(.select-toggle)').forEach((box) => {
          box.checked = toggle.checked;
        });
      });
    });
  });
});
