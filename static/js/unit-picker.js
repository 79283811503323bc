// Searchable unit picker: every <select data-unit-picker> (派单, 改派, 协办, 吹哨) gets a search box that
// filters its options by name as one types (several words: all must match). Vanilla JS over the
// select itself, so the form posts exactly what it did without script.
(function () {
  "use strict";

  function enhance(select) {
    if (select.dataset.enhanced) { return; }
    select.dataset.enhanced = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "unit-search";
    box.placeholder = "搜索单位名称，如：城管 金水";
    box.setAttribute("aria-label", "搜索单位");
    box.autocomplete = "off";
    var count = document.createElement("small");
    count.className = "muted unit-count";
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select.nextSibling);
    if (!select.multiple) { select.size = 6; } // a list, so the matches show without opening it

    box.addEventListener("input", function () {
      var terms = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { option.hidden = terms.length > 0; return; }
        var text = option.text.toLowerCase();
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        option.hidden = !match;
        if (match) { shown += 1; first = first || option; }
      });
      count.textContent = terms.length ? "匹配 " + shown + " 个单位" : "";
      var current = select.options[select.selectedIndex];
      if (!select.multiple && first && (!current || current.hidden || !current.value)) { first.selected = true; }
    });
    // Enter in the search box picks the first match; it never submits the form.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-unit-picker]"), enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.detail.target); });
})();
