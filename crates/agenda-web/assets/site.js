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
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "🎤";
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
