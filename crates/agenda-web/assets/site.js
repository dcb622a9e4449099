// Progressive enhancements only: every page works without this script.
(function () {
  "use strict";
  // Keep the catalogue readable offline (installable app).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  // Speak instead of typing, where the browser recognises speech.
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var input = document.getElementById("site-q");
  if (Recognition && input && input.form) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "mic";
    var label = input.getAttribute("data-mic-label") || "Speak";
    button.setAttribute("aria-label", label);
    button.textContent = "🎤";
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
  }
})();
