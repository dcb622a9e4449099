// Progressive enhancements only: every page works without this script.
(function () {
  "use strict";
  // Keep the catalogue readable offline (installable app).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  // Speak instead of typing, where the browser recognises speech: a button with the icon and
  // a visible label beside every text box that asks for it (`data-mic-label`).
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var boxes = document.querySelectorAll("input[data-mic-label]");
  Array.prototype.forEach.call(boxes, function (input) {
    if (!Recognition || !input.form) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "mic";
    // Drawn, not an emoji: a phone without an emoji font would show an empty box.
    var svg = "http://www.w3.org/2000/svg";
    var icon = document.createElementNS(svg, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("width", "1em");
    icon.setAttribute("height", "1em");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    var path = document.createElementNS(svg, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z");
    icon.appendChild(path);
    var text = document.createElement("span");
    text.className = "mic-label";
    text.textContent = input.getAttribute("data-mic-label");
    button.appendChild(icon);
    button.appendChild(document.createTextNode(" "));
    button.appendChild(text);
    button.addEventListener("click", function () {
      var r = new Recognition();
      r.lang = input.getAttribute("data-speech-lang") || document.documentElement.lang || "en";
      r.interimResults = false;
      r.maxAlternatives = 1;
      r.onresult = function (e) {
        input.value = e.results[0][0].transcript;
        input.form.submit();
      };
      r.start();
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
