// The incident filters (templates/_partials/_filter_form_fields.html): open on wide screens, and only the
// filters in use in the address — empty fields (and the default sort) are left out when the form is sent.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 600.01px)").matches) {
    document.querySelectorAll("details.filters-panel").forEach(function (panel) { panel.open = true; });
  }
  if (window.ctFiltersReady) { return; }
  window.ctFiltersReady = true;
  document.addEventListener("change", function (event) {
    if (event.target.name === "sort") { event.target.dataset.touched = "yes"; }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target, left = [];
    if (!form.matches || !form.matches("form.filters")) { return; }
    // The default order is best match first with a search, the list's default without one.
    var text = form.elements.namedItem("q");
    var searching = Boolean(text && text.value && text.value.trim() !== "");
    var sortByDefault = searching ? form.dataset.searchSort : form.dataset.defaultSort;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled) { return; }
      var empty = field.multiple ? field.selectedOptions.length === 0 : field.value === "";
      // A sort the reader never touched is left to the server (best match first for a search, else the default).
      var defaultSort = field.name === "sort" && (field.dataset.touched !== "yes" || field.value === sortByDefault);
      if (empty || defaultSort) { field.disabled = true; left.push(field); }
    });
    // Enabled again once the browser has read the form, so that "Back" finds the fields as they were.
    window.setTimeout(function () {
      left.forEach(function (field) { field.disabled = false; });
    }, 0);
  });
})();
