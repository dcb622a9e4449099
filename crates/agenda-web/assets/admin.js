// A filter box above long lists of choices (selects and groups of checkboxes marked
// `data-search`, whose value is the box's label). Without this script the lists work as
// they are; the chosen ones always stay in view.
(function () {
  "use strict";
  function norm(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.querySelectorAll("[data-search]").forEach(function (list, n) {
    var id = (list.id || "list-" + n) + "-filter";
    var wrap = document.createElement("div");
    wrap.className = "filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    // Named after its list, so that each box is told apart when read out.
    var named = list.tagName === "SELECT"
      ? document.querySelector('label[for="' + list.id + '"]')
      : list.querySelector("legend");
    // Its own words only, not the "(required)" or hints inside it.
    var what = named
      ? Array.prototype.filter.call(named.childNodes, function (c) { return c.nodeType === 3; })
          .map(function (c) { return c.textContent; }).join(" ").replace(/\s+/g, " ").trim()
      : "";
    label.textContent = list.getAttribute("data-search") + (what ? " (" + what + ")" : "");
    var box = document.createElement("input");
    box.type = "search";
    box.id = id;
    box.autocomplete = "off";
    wrap.appendChild(label);
    wrap.appendChild(box);
    var items;
    if (list.tagName === "SELECT") {
      list.parentNode.insertBefore(wrap, list);
      items = function () {
        return Array.prototype.map.call(list.options, function (o) {
          return { el: o, text: o.text, keep: o.selected || o.value === "" };
        });
      };
    } else {
      var legend = list.querySelector("legend");
      list.insertBefore(wrap, legend ? legend.nextSibling : list.firstChild);
      items = function () {
        return Array.prototype.map.call(list.querySelectorAll(".choice"), function (c) {
          var input = c.querySelector("input");
          return { el: c, text: c.textContent, keep: input && input.checked };
        });
      };
    }
    box.addEventListener("input", function () {
      var q = norm(box.value.trim());
      items().forEach(function (i) {
        i.el.hidden = q !== "" && !i.keep && norm(i.text).indexOf(q) < 0;
      });
    });
  });
})();
